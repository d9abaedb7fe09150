using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RelayPorts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "relay_ports",
                columns: table => new
                {
                    relay = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    port = table.Column<int>(type: "integer", nullable: false),
                    detector_id = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    allocated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_relay_ports", x => new { x.relay, x.port });
                });

            migrationBuilder.CreateIndex(
                name: "IX_relay_ports_detector_id",
                table: "relay_ports",
                column: "detector_id");

            migrationBuilder.CreateIndex(
                name: "IX_relay_ports_relay_detector_id",
                table: "relay_ports",
                columns: new[] { "relay", "detector_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "relay_ports");
        }
    }
}
