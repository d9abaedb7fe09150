using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProviderFailover : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ngrok_account",
                table: "detectors",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provider_reason",
                table: "detectors",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "provider_since",
                table: "detectors",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_detectors_ngrok_account",
                table: "detectors",
                column: "ngrok_account");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_detectors_ngrok_account",
                table: "detectors");

            migrationBuilder.DropColumn(
                name: "ngrok_account",
                table: "detectors");

            migrationBuilder.DropColumn(
                name: "provider_reason",
                table: "detectors");

            migrationBuilder.DropColumn(
                name: "provider_since",
                table: "detectors");
        }
    }
}
