using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RegistryNotify : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The detector registry of every API instance (Registry/RegistrySync) hears of each committed change to a
            // detector: "id version" for a written row (an instance that already holds that version skips the read),
            // "id" alone for a deleted row and for a relay port change (GET /detectors/{id} shows the port). NOTIFY is
            // delivered at commit, never on rollback, in commit order.
            migrationBuilder.Sql("""
                CREATE FUNCTION fleet_notify_detector() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        PERFORM pg_notify('fleet_detectors', OLD.id);
                    ELSE
                        PERFORM pg_notify('fleet_detectors', NEW.id || ' ' || NEW.version);
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER detectors_notify AFTER INSERT OR UPDATE OR DELETE ON detectors
                    FOR EACH ROW EXECUTE FUNCTION fleet_notify_detector();
                CREATE FUNCTION fleet_notify_relay_port() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        PERFORM pg_notify('fleet_detectors', OLD.detector_id);
                    ELSE
                        PERFORM pg_notify('fleet_detectors', NEW.detector_id);
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER relay_ports_notify AFTER INSERT OR UPDATE OR DELETE ON relay_ports
                    FOR EACH ROW EXECUTE FUNCTION fleet_notify_relay_port();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER relay_ports_notify ON relay_ports;
                DROP FUNCTION fleet_notify_relay_port();
                DROP TRIGGER detectors_notify ON detectors;
                DROP FUNCTION fleet_notify_detector();
                """);
        }
    }
}
