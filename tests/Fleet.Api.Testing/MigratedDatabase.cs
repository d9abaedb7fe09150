using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Testing;

/// <summary>
/// PostgreSQL databases that already have the API's migrations: copies of one template migrated once per run, so a
/// test class does not pay for its own migration. The API still runs MigrateOnStart against the copy (nothing is
/// pending), as in production after the first start; tests of the migrations themselves use an empty database.
/// </summary>
public static class MigratedDatabase
{
    private static readonly PostgresTemplate Template = new("fleet_migrated", MigrateAsync);

    /// <summary>Creates a uniquely named, migrated database and returns a connection string to it.</summary>
    public static Task<string> CreateAsync(string prefix, CancellationToken ct = default) => Template.CreateDatabaseAsync(prefix, ct);

    private static async Task MigrateAsync(string connectionString, CancellationToken ct)
    {
        await using var db = new PostgresFleetDbContext(new DbContextOptionsBuilder<PostgresFleetDbContext>().UseNpgsql(connectionString).Options);
        await db.Database.MigrateAsync(ct);
    }
}
