using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // SQLite has one writer at a time, so a counter row is commit-ordered: every write of a detector (or of
            // its tunnels) takes the next value, a removal moves it too, and a list ETag is the counter itself.
            // SQLite triggers cannot assign NEW, hence AFTER triggers that update the row; the WHEN guard keeps the
            // stamping update from stamping again.
            migrationBuilder.Sql("""
                CREATE TABLE read_versions (name TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL);
                INSERT INTO read_versions (name, value) VALUES ('detectors', 0);

                CREATE TRIGGER detectors_version_inserted AFTER INSERT ON detectors
                BEGIN
                    UPDATE read_versions SET value = value + 1 WHERE name = 'detectors';
                    UPDATE detectors SET version = (SELECT value FROM read_versions WHERE name = 'detectors') WHERE id = NEW.id;
                END;

                CREATE TRIGGER detectors_version_updated AFTER UPDATE ON detectors WHEN NEW.version = OLD.version
                BEGIN
                    UPDATE read_versions SET value = value + 1 WHERE name = 'detectors';
                    UPDATE detectors SET version = (SELECT value FROM read_versions WHERE name = 'detectors') WHERE id = NEW.id;
                END;

                CREATE TRIGGER detectors_removed AFTER DELETE ON detectors
                BEGIN
                    UPDATE read_versions SET value = value + 1 WHERE name = 'detectors';
                END;

                CREATE TRIGGER tunnels_inserted AFTER INSERT ON tunnels
                BEGIN
                    UPDATE detectors SET version = version WHERE id = NEW.detector_id;
                END;

                CREATE TRIGGER tunnels_updated AFTER UPDATE ON tunnels
                BEGIN
                    UPDATE detectors SET version = version WHERE id IN (NEW.detector_id, OLD.detector_id);
                END;

                CREATE TRIGGER tunnels_deleted AFTER DELETE ON tunnels
                BEGIN
                    UPDATE detectors SET version = version WHERE id = OLD.detector_id;
                END;

                UPDATE detectors SET version = version;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER tunnels_deleted;
                DROP TRIGGER tunnels_updated;
                DROP TRIGGER tunnels_inserted;
                DROP TRIGGER detectors_removed;
                DROP TRIGGER detectors_version_updated;
                DROP TRIGGER detectors_version_inserted;
                DROP TABLE read_versions;
                """);

            migrationBuilder.DropColumn(
                name: "version",
                table: "detectors");
        }
    }
}
