using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AlertEnds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "resolved_by",
                table: "alerts",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "enabled",
                table: "alert_destinations",
                type: "INTEGER",
                nullable: false,
                // Destinations from before the column send as they did.
                defaultValue: true);

            migrationBuilder.AddColumn<long>(
                name: "updated_at",
                table: "alert_destinations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_alert_deliveries_status_finished_at",
                table: "alert_deliveries",
                columns: new[] { "status", "finished_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_alert_deliveries_status_finished_at",
                table: "alert_deliveries");

            migrationBuilder.DropColumn(
                name: "resolved_by",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "enabled",
                table: "alert_destinations");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "alert_destinations");
        }
    }
}
