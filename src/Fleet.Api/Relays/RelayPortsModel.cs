using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Relays;

/// <summary>The relay_ports table in the shared model (called from FleetDbContext before its snake_case naming pass).</summary>
internal static class RelayPortsModel
{
    public const string Table = "relay_ports";

    public static void Configure(ModelBuilder model) =>
        model.Entity<RelayPortRecord>(port =>
        {
            port.ToTable(Table);
            port.HasKey(p => new { p.Relay, p.Port });
            port.Property(p => p.Relay).HasMaxLength(63);
            port.Property(p => p.DetectorId).HasMaxLength(63);
            port.HasIndex(p => new { p.Relay, p.DetectorId }).IsUnique();

            // Decommission releases by detector id alone.
            port.HasIndex(p => p.DetectorId);
        });
}
