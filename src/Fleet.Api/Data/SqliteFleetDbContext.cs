using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Data;

public sealed class SqliteFleetDbContext(DbContextOptions<SqliteFleetDbContext> options) : FleetDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<DetectorRecord>().Property(d => d.Tags).HasDefaultValueSql("'[]'");
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type and EF cannot order or compare DateTimeOffset stored as text there:
        // Unix milliseconds sort and compare correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }
}
