using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Data;

public sealed class PostgresFleetDbContext(DbContextOptions<PostgresFleetDbContext> options) : FleetDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<DetectorRecord>().Property(d => d.Tags).HasDefaultValueSql("'{}'::text[]");
        modelBuilder.Entity<DetectorRecord>().HasIndex(d => d.Tags).HasMethod("gin");
    }
}
