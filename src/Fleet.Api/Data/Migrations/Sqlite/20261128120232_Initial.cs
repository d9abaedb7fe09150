using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "detector_credentials",
                columns: table => new
                {
                    detector_id = table.Column<string>(type: "TEXT", nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    revoked_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_detector_credentials", x => x.detector_id);
                });

            migrationBuilder.CreateTable(
                name: "detectors",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    tags = table.Column<string>(type: "TEXT", nullable: false, defaultValueSql: "'[]'"),
                    notes = table.Column<string>(type: "TEXT", nullable: true),
                    location = table.Column<string>(type: "TEXT", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    status_epoch = table.Column<long>(type: "INTEGER", nullable: true),
                    status_since = table.Column<long>(type: "INTEGER", nullable: true),
                    last_seen_at = table.Column<long>(type: "INTEGER", nullable: true),
                    epoch = table.Column<long>(type: "INTEGER", nullable: true),
                    seq = table.Column<long>(type: "INTEGER", nullable: true),
                    state_at = table.Column<long>(type: "INTEGER", nullable: true),
                    sent_at = table.Column<long>(type: "INTEGER", nullable: true),
                    heartbeat_seconds = table.Column<int>(type: "INTEGER", nullable: true),
                    provider_kind = table.Column<string>(type: "TEXT", nullable: true),
                    provider_version = table.Column<string>(type: "TEXT", nullable: true),
                    provider_state = table.Column<string>(type: "TEXT", nullable: true),
                    provider_restarts = table.Column<int>(type: "INTEGER", nullable: true),
                    provider_error = table.Column<string>(type: "TEXT", nullable: true),
                    agent_version = table.Column<string>(type: "TEXT", nullable: true),
                    agent_hostname = table.Column<string>(type: "TEXT", nullable: true),
                    agent_os = table.Column<string>(type: "TEXT", nullable: true),
                    agent_arch = table.Column<string>(type: "TEXT", nullable: true),
                    agent_started_at = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_detectors", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    detector_id = table.Column<string>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    data = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "tunnels",
                columns: table => new
                {
                    detector_id = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    proto = table.Column<string>(type: "TEXT", nullable: true),
                    upstream = table.Column<string>(type: "TEXT", nullable: true),
                    started_at = table.Column<long>(type: "INTEGER", nullable: true),
                    since = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tunnels", x => new { x.detector_id, x.name });
                    table.ForeignKey(
                        name: "FK_tunnels_detectors_detector_id",
                        column: x => x.detector_id,
                        principalTable: "detectors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_detectors_status",
                table: "detectors",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "IX_events_at",
                table: "events",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "IX_events_detector_id_at_id",
                table: "events",
                columns: new[] { "detector_id", "at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "detector_credentials");

            migrationBuilder.DropTable(
                name: "events");

            migrationBuilder.DropTable(
                name: "tunnels");

            migrationBuilder.DropTable(
                name: "detectors");
        }
    }
}
