using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Tests.Data;

/// <summary>Each provider's migrations match the model and apply to an empty database.</summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task Postgres_Migrations_MatchModelAndApplyToEmptyDatabase()
    {
        var postgres = await PostgresServer.GetAsync();
        var connectionString = await postgres.CreateDatabaseAsync("migrate");
        await using var db = new PostgresFleetDbContext(
            new DbContextOptionsBuilder<PostgresFleetDbContext>().UseNpgsql(connectionString).Options);

        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes without a migration: run dotnet ef migrations add");
        await db.Database.MigrateAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.Detectors.CountAsync());
    }

    [Fact]
    public async Task Sqlite_Migrations_MatchModelAndApplyToEmptyDatabase()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fleet-migrate-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = new SqliteFleetDbContext(
                new DbContextOptionsBuilder<SqliteFleetDbContext>().UseSqlite($"Data Source={file};Pooling=false").Options);

            Assert.False(db.Database.HasPendingModelChanges(), "the model has changes without a migration: run dotnet ef migrations add");
            await db.Database.MigrateAsync();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(0, await db.Detectors.CountAsync());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
