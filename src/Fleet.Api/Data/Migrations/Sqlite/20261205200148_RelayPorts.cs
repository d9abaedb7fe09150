using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Sqlite
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
                    relay = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    port = table.Column<int>(type: "INTEGER", nullable: false),
                    detector_id = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    allocated_at = table.Column<long>(type: "INTEGER", nullable: false)
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
