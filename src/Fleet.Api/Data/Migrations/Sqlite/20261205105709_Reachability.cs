using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Reachability : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "check_at",
                table: "tunnels",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "check_code",
                table: "tunnels",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "check_http_status",
                table: "tunnels",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "check_latency_ms",
                table: "tunnels",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "check_outcome",
                table: "tunnels",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "probe_at",
                table: "tunnels",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "probe_code",
                table: "tunnels",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "probe_http_status",
                table: "tunnels",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "probe_latency_ms",
                table: "tunnels",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "probe_outcome",
                table: "tunnels",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "instance",
                table: "detectors",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "previous_instance",
                table: "detectors",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "reachability",
                table: "detectors",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "unknown");

            migrationBuilder.AddColumn<long>(
                name: "reachability_since",
                table: "detectors",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_detectors_reachability",
                table: "detectors",
                column: "reachability");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_detectors_reachability",
                table: "detectors");

            migrationBuilder.DropColumn(
                name: "check_at",
                table: "tunnels");

            migrationBuilder.DropColumn(
                name: "check_code",
                table: "tunnels");

            migrationBuilder.DropColumn(
                name: "check_http_status",
                table: "tunnels");

            migrationBuilder.DropColumn(
                name: "check_latency_ms",
                table: "tunnels");

            migrationBuilder.DropColumn(
                name: "check_outcome",
                table: "tunnels");

            migrationBuilder.DropColumn(
                name: "probe_at",
                table: "tunnels");

            migrationBuilder.DropColumn(
                name: "probe_code",
                table: "tunnels");

            migrationBuilder.DropColumn(
                name: "probe_http_status",
                table: "tunnels");

            migrationBuilder.DropColumn(
                name: "probe_latency_ms",
                table: "tunnels");

            migrationBuilder.DropColumn(
                name: "probe_outcome",
                table: "tunnels");

            migrationBuilder.DropColumn(
                name: "instance",
                table: "detectors");

            migrationBuilder.DropColumn(
                name: "previous_instance",
                table: "detectors");

            migrationBuilder.DropColumn(
                name: "reachability",
                table: "detectors");

            migrationBuilder.DropColumn(
                name: "reachability_since",
                table: "detectors");
        }
    }
}
