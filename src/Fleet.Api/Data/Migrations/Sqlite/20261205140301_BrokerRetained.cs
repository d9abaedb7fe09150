using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BrokerRetained : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "broker_retained",
                columns: table => new
                {
                    topic = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    qos = table.Column<int>(type: "INTEGER", nullable: false),
                    content_type = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    payload_format = table.Column<int>(type: "INTEGER", nullable: false),
                    expiry_seconds = table.Column<long>(type: "INTEGER", nullable: true),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_broker_retained", x => x.topic);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "broker_retained");
        }
    }
}
