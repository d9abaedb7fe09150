using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Fleet.Api.Data;

/// <summary>Lets `dotnet ef migrations add` build each context without starting the application.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresFleetDbContext>
{
    public PostgresFleetDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresFleetDbContext>().UseNpgsql("Host=localhost;Database=fleet_design").Options);
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteFleetDbContext>
{
    public SqliteFleetDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteFleetDbContext>().UseSqlite("Data Source=design.db").Options);
}
