using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Reachability : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "check_at",
                table: "tunnels",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "check_code",
                table: "tunnels",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "check_http_status",
                table: "tunnels",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "check_latency_ms",
                table: "tunnels",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "check_outcome",
                table: "tunnels",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "probe_at",
                table: "tunnels",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "probe_code",
                table: "tunnels",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "probe_http_status",
                table: "tunnels",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "probe_latency_ms",
                table: "tunnels",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "probe_outcome",
                table: "tunnels",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "instance",
                table: "detectors",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "previous_instance",
                table: "detectors",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "reachability",
                table: "detectors",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "unknown");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "reachability_since",
                table: "detectors",
                type: "timestamp with time zone",
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
