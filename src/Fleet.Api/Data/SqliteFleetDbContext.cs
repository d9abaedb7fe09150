using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Data;

public sealed class SqliteFleetDbContext(DbContextOptions<SqliteFleetDbContext> options) : FleetDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<DetectorRecord>().Property(d => d.Tags).HasDefaultValueSql("'[]'");

        // SQLite triggers cannot change NEW, so the version is stamped by an AFTER trigger: RETURNING would read the
        // value from before it, and declaring the trigger makes EF read it back with a SELECT instead.
        modelBuilder.Entity<DetectorRecord>().ToTable(t => t.HasTrigger(ReadVersionsObjects.SqliteDetectorsTrigger));
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type and EF cannot order or compare DateTimeOffset stored as text there:
        // Unix milliseconds sort and compare correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }
}
