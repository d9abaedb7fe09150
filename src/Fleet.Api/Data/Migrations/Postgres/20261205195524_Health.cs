using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Health : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "health",
                table: "detectors",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "health_status",
                table: "detectors",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_detectors_health_status",
                table: "detectors",
                column: "health_status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_detectors_health_status",
                table: "detectors");

            migrationBuilder.DropColumn(
                name: "health",
                table: "detectors");

            migrationBuilder.DropColumn(
                name: "health_status",
                table: "detectors");
        }
    }
}
