using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>The delivery tables (destinations, the outbox, its attempts), added to the shared model by FleetDbContext.</summary>
internal static class DeliveryModel
{
    public const string DeliveriesTable = "alert_deliveries";

    /// <summary>Longest error text kept per attempt: enough for a status line, not for a receiver's whole page.</summary>
    public const int MaxErrorLength = 500;

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DestinationRecord>(destination =>
        {
            destination.ToTable("alert_destinations");
            destination.HasKey(d => d.Id);
            destination.Property(d => d.Name).HasMaxLength(200);
            destination.Property(d => d.Type).HasMaxLength(16);
            destination.Property(d => d.Url).HasMaxLength(2048);
            destination.HasIndex(d => d.Name).IsUnique();
        });

        modelBuilder.Entity<DeliveryRecord>(delivery =>
        {
            delivery.ToTable(DeliveriesTable);
            delivery.HasKey(d => d.Id);
            delivery.Property(d => d.NoticeId).HasMaxLength(200);
            delivery.Property(d => d.Status).HasMaxLength(16);
            delivery.Property(d => d.LeaseOwner).HasMaxLength(64);
            delivery.Property(d => d.LastError).HasMaxLength(MaxErrorLength);
            // The worker's claim: due pending rows in order.
            delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
            // The retention's batches: the oldest delivered rows.
            delivery.HasIndex(d => new { d.Status, d.FinishedAt });
            delivery.HasIndex(d => d.AlertId);
            delivery.HasIndex(d => d.DestinationId);
            delivery.HasMany(d => d.AttemptHistory).WithOne().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<DeliveryAttemptRecord>(attempt =>
        {
            attempt.ToTable("alert_delivery_attempts");
            attempt.HasKey(a => a.Id);
            attempt.Property(a => a.Outcome).HasMaxLength(16);
            attempt.Property(a => a.Error).HasMaxLength(MaxErrorLength);
            attempt.HasIndex(a => a.DeliveryId);
        });
    }
}
