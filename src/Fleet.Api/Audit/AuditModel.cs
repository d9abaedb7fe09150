using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Audit;

/// <summary>The audit table in the shared model (called from FleetDbContext before its snake_case naming pass).</summary>
internal static class AuditModel
{
    public const string Table = "audit";

    public static void Configure(ModelBuilder model) =>
        model.Entity<AuditRecord>(entry =>
        {
            entry.ToTable(Table);
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Actor).HasMaxLength(AuditActor.MaxLength);
            entry.Property(e => e.Address).HasMaxLength(64);
            entry.Property(e => e.Action).HasMaxLength(64);
            entry.Property(e => e.Target).HasMaxLength(200);
            entry.Property(e => e.DetectorId).HasMaxLength(63);

            // The retention deletes by time; the detector's timeline pages by id within one detector.
            entry.HasIndex(e => e.At);
            entry.HasIndex(e => new { e.DetectorId, e.Id });
        });
}
