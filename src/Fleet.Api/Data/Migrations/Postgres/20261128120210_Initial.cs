using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Fleet.Api.Data.Migrations.Postgres
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
                    detector_id = table.Column<string>(type: "text", nullable: false),
                    secret_hash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_detector_credentials", x => x.detector_id);
                });

            migrationBuilder.CreateTable(
                name: "detectors",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    notes = table.Column<string>(type: "text", nullable: true),
                    location = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status_epoch = table.Column<long>(type: "bigint", nullable: true),
                    status_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    epoch = table.Column<long>(type: "bigint", nullable: true),
                    seq = table.Column<long>(type: "bigint", nullable: true),
                    state_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    heartbeat_seconds = table.Column<int>(type: "integer", nullable: true),
                    provider_kind = table.Column<string>(type: "text", nullable: true),
                    provider_version = table.Column<string>(type: "text", nullable: true),
                    provider_state = table.Column<string>(type: "text", nullable: true),
                    provider_restarts = table.Column<int>(type: "integer", nullable: true),
                    provider_error = table.Column<string>(type: "text", nullable: true),
                    agent_version = table.Column<string>(type: "text", nullable: true),
                    agent_hostname = table.Column<string>(type: "text", nullable: true),
                    agent_os = table.Column<string>(type: "text", nullable: true),
                    agent_arch = table.Column<string>(type: "text", nullable: true),
                    agent_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_detectors", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    detector_id = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    data = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "tunnels",
                columns: table => new
                {
                    detector_id = table.Column<string>(type: "character varying(63)", nullable: false),
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    proto = table.Column<string>(type: "text", nullable: true),
                    upstream = table.Column<string>(type: "text", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                name: "IX_detectors_tags",
                table: "detectors",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");

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
