using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReadVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "version",
                table: "detectors",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Every write of a detector draws a new version from one sequence: the ETag of GET /detectors/{id}.
            // (List ETags come from the reading statement's snapshot, Detectors/DetectorETags.)
            migrationBuilder.Sql("""
                CREATE SEQUENCE detector_versions AS bigint CACHE 1;

                CREATE FUNCTION fleet_stamp_detector_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.version := nextval('detector_versions');
                    RETURN NEW;
                END $$;

                CREATE TRIGGER detectors_version BEFORE INSERT OR UPDATE ON detectors
                    FOR EACH ROW EXECUTE FUNCTION fleet_stamp_detector_version();

                -- Tunnels are part of a detector's representation: changing them re-stamps the detector, once per
                -- statement (the BEFORE trigger above draws the new version). A detector this transaction has already
                -- written (the ingest writes the row, then its tunnels) carries a version no one has seen yet: it is
                -- left alone rather than written twice.
                CREATE FUNCTION fleet_touch_tunnel_detectors() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        UPDATE detectors SET version = version
                        WHERE id IN (SELECT detector_id FROM old_tunnels) AND xmin <> pg_current_xact_id()::xid;
                    ELSE
                        UPDATE detectors SET version = version
                        WHERE id IN (SELECT detector_id FROM new_tunnels) AND xmin <> pg_current_xact_id()::xid;
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER tunnels_inserted AFTER INSERT ON tunnels REFERENCING NEW TABLE AS new_tunnels
                    FOR EACH STATEMENT EXECUTE FUNCTION fleet_touch_tunnel_detectors();
                CREATE TRIGGER tunnels_updated AFTER UPDATE ON tunnels REFERENCING NEW TABLE AS new_tunnels
                    FOR EACH STATEMENT EXECUTE FUNCTION fleet_touch_tunnel_detectors();
                CREATE TRIGGER tunnels_deleted AFTER DELETE ON tunnels REFERENCING OLD TABLE AS old_tunnels
                    FOR EACH STATEMENT EXECUTE FUNCTION fleet_touch_tunnel_detectors();

                UPDATE detectors SET version = version;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER tunnels_deleted ON tunnels;
                DROP TRIGGER tunnels_updated ON tunnels;
                DROP TRIGGER tunnels_inserted ON tunnels;
                DROP FUNCTION fleet_touch_tunnel_detectors();
                DROP TRIGGER detectors_version ON detectors;
                DROP FUNCTION fleet_stamp_detector_version();
                DROP SEQUENCE detector_versions;
                """);

            migrationBuilder.DropColumn(
                name: "version",
                table: "detectors");
        }
    }
}
