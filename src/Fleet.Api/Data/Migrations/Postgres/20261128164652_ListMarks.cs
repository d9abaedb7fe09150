using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ListMarks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The mark of GET /detectors (Detectors/DetectorETags): 16 counters, and every transaction that writes a
            // detector (its tunnels re-stamp it, ReadVersions) bumps one of them, chosen by its transaction id, at
            // commit. A counter's row lock orders the transactions that bump it by commit, so the 16 values a reader
            // sees name exactly which writing transactions it sees: equal marks mean equal data, in this database
            // only (the server-wide snapshot used before changed with every transaction of every database).
            // Deferred to commit, the lock is taken last and held for the commit alone: no deadlock with row locks,
            // little waiting between API instances; 16 counters keep concurrent writers apart.
            migrationBuilder.Sql("""
                CREATE TABLE detector_list_marks (stripe smallint PRIMARY KEY, value bigint NOT NULL);
                INSERT INTO detector_list_marks SELECT s, 0 FROM generate_series(0, 15) s;

                CREATE FUNCTION fleet_mark_detector_list() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    me text := pg_current_xact_id()::text;
                BEGIN
                    -- Once per transaction, however many rows it wrote.
                    IF current_setting('fleet.list_marked', true) IS DISTINCT FROM me THEN
                        PERFORM set_config('fleet.list_marked', me, true);
                        UPDATE detector_list_marks SET value = value + 1 WHERE stripe = me::bigint % 16;
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE CONSTRAINT TRIGGER detectors_list_mark AFTER INSERT OR UPDATE OR DELETE ON detectors
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fleet_mark_detector_list();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER detectors_list_mark ON detectors;
                DROP FUNCTION fleet_mark_detector_list();
                DROP TABLE detector_list_marks;
                """);
        }
    }
}
