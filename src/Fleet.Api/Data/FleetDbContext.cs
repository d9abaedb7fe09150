using System.Text;
using Fleet.Api.Alerts.Delivery;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Fleet.Api.Data;

/// <summary>
/// The model shared by both providers. Each provider has its own derived context so that it keeps its own
/// migrations (PostgreSQL in production, an embedded SQLite file as the zero-setup default).
/// </summary>
public abstract class FleetDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<DetectorRecord> Detectors => Set<DetectorRecord>();

    public DbSet<TunnelRecord> Tunnels => Set<TunnelRecord>();

    public DbSet<EventRecord> Events => Set<EventRecord>();

    public DbSet<DetectorCredentialRecord> DetectorCredentials => Set<DetectorCredentialRecord>();

    /// <summary>Browser sessions, kept on the server so that sign-out and key removal end them everywhere.</summary>
    public DbSet<SessionRecord> Sessions => Set<SessionRecord>();

    /// <summary>ASP.NET Core's data-protection key ring (session cookies), shared by every API instance on this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The embedded broker's retained messages, kept across restarts.</summary>
    public DbSet<RetainedMessageRecord> RetainedMessages => Set<RetainedMessageRecord>();

    /// <summary>Where alert notices go (Alerts/Delivery).</summary>
    public DbSet<DestinationRecord> AlertDestinations => Set<DestinationRecord>();

    /// <summary>The alert outbox: one row per notice and destination, pending until delivered or dead.</summary>
    public DbSet<DeliveryRecord> AlertDeliveries => Set<DeliveryRecord>();

    public DbSet<DeliveryAttemptRecord> AlertDeliveryAttempts => Set<DeliveryAttemptRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DetectorRecord>(detector =>
        {
            detector.ToTable("detectors");
            detector.HasKey(d => d.Id);
            detector.Property(d => d.Id).HasMaxLength(63);
            detector.Property(d => d.Name).HasMaxLength(200);
            detector.Property(d => d.Status).HasMaxLength(16);
            detector.Property(d => d.TunnelsHash).HasMaxLength(32);
            detector.HasIndex(d => d.Status);
            detector.Property(d => d.Reachability).HasMaxLength(16).HasDefaultValue("unknown");
            detector.HasIndex(d => d.Reachability);
            detector.Property(d => d.Instance).HasMaxLength(64);
            detector.Property(d => d.PreviousInstance).HasMaxLength(64);
            detector.Property(d => d.HealthStatus).HasMaxLength(32);
            detector.HasIndex(d => d.HealthStatus);
            detector.HasIndex(d => d.NgrokAccount);
            // Written only by the database's triggers: EF never sends it and reads it back after a save.
            detector.Property(d => d.Version).HasDefaultValue(0L).ValueGeneratedOnAddOrUpdate();
            detector.Property(d => d.Version).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
            detector.HasMany(d => d.Tunnels).WithOne().HasForeignKey(t => t.DetectorId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TunnelRecord>(tunnel =>
        {
            tunnel.ToTable("tunnels");
            tunnel.HasKey(t => new { t.DetectorId, t.Name });
            tunnel.Property(t => t.Name).HasMaxLength(64);
            tunnel.Property(t => t.Url).HasMaxLength(2048);
            tunnel.Property(t => t.CheckOutcome).HasMaxLength(32);
            tunnel.Property(t => t.CheckCode).HasMaxLength(64);
            tunnel.Property(t => t.ProbeOutcome).HasMaxLength(32);
            tunnel.Property(t => t.ProbeCode).HasMaxLength(64);
        });

        modelBuilder.Entity<EventRecord>(evt =>
        {
            evt.ToTable("events");
            evt.HasKey(e => e.Id);
            evt.Property(e => e.Type).HasMaxLength(32);
            evt.HasIndex(e => new { e.DetectorId, e.At, e.Id });
            evt.HasIndex(e => e.At);
        });

        modelBuilder.Entity<DetectorCredentialRecord>(credential =>
        {
            credential.ToTable("detector_credentials");
            credential.HasKey(c => c.DetectorId);
            credential.Property(c => c.SecretHash).HasMaxLength(128);
        });

        modelBuilder.Entity<SessionRecord>(session =>
        {
            session.ToTable("sessions");
            session.HasKey(s => s.Id);
            session.Property(s => s.Id).HasMaxLength(64);
            session.Property(s => s.KeyBinding).HasMaxLength(64);
            session.HasIndex(s => s.ExpiresAt);
        });

        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        modelBuilder.Entity<RetainedMessageRecord>(retained =>
        {
            retained.ToTable("broker_retained");
            retained.HasKey(r => r.Topic);
            // MQTT allows 65535 bytes; the contract's topics are far shorter, and the broker refuses to retain longer ones.
            retained.Property(r => r.Topic).HasMaxLength(1024);
            retained.Property(r => r.ContentType).HasMaxLength(256);
        });

        Alerts.Rules.AlertRulesModel.Configure(modelBuilder);
        DeliveryModel.Configure(modelBuilder);
        Relays.RelayPortsModel.Configure(modelBuilder);
        Audit.AuditModel.Configure(modelBuilder);

        // snake_case columns so that hand-written SQL and psql sessions read naturally.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }
        }
    }

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
