using System.Text.Json.Serialization.Metadata;
using Fleet.Api.Data;
using Fleet.Api.Detectors;
using Fleet.Api.Relays;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Registry;

/// <summary>What the registry reads from the database, each in a scope of its own: detectors with their tunnels (the read path's SQL) and relay ports.</summary>
internal sealed class RegistryReads(IServiceScopeFactory scopes, JsonTypeInfo<DetectorView> json)
{
    /// <summary>Ids per statement when re-reading changed detectors.</summary>
    public const int ChunkSize = 500;

    public async Task<List<RegistryEntry>> AllAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (reader, db) = Open(scope);
        var relays = await RelaysAsync(db, null, ct);
        var entries = new List<RegistryEntry>();
        await reader.ForEachAsync(r => entries.Add(RegistryEntry.From(r, relays.GetValueOrDefault(r.Id), json)), ct);
        return entries;
    }

    /// <summary>The detectors of these ids that exist now, with their relay ports.</summary>
    public async Task<List<RegistryEntry>> ManyAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (reader, db) = Open(scope);
        var rows = await reader.FindManyAsync(ids, ct);
        var relays = await RelaysAsync(db, ids, ct);
        return [.. rows.Select(r => RegistryEntry.From(r, relays.GetValueOrDefault(r.Id), json))];
    }

    /// <summary>Every detector's version and every relay assignment: what a resync compares.</summary>
    public async Task<(Dictionary<string, long> Versions, Dictionary<string, RelayPortAssignment> Relays)> StateAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (reader, db) = Open(scope);
        return (await reader.VersionsAsync(ct), await RelaysAsync(db, null, ct));
    }

    private static (DetectorReader Reader, FleetDbContext Db) Open(AsyncServiceScope scope)
    {
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<FleetDbContext>();
        return (new DetectorReader(db, services.GetRequiredService<ISqlDialect>(), services.GetRequiredService<DetectorTotals>(),
            services.GetRequiredService<IOptions<DatabaseOptions>>()), db);
    }

    // The detector's earliest port, as GET /detectors/{id} has always shown it (RelayPortAllocator.AssignmentAsync).
    private static async Task<Dictionary<string, RelayPortAssignment>> RelaysAsync(FleetDbContext db, IReadOnlyList<string>? ids, CancellationToken ct)
    {
        var ports = db.Set<RelayPortRecord>().AsNoTracking();
        if (ids is not null)
        {
            ports = ports.Where(p => ids.Contains(p.DetectorId));
        }

        var rows = await ports.Select(p => new { p.DetectorId, p.Relay, p.Port, p.AllocatedAt }).ToListAsync(ct);
        return rows
            .OrderBy(p => p.AllocatedAt).ThenBy(p => p.Relay, StringComparer.Ordinal)
            .GroupBy(p => p.DetectorId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new RelayPortAssignment(g.First().Relay, g.First().Port), StringComparer.Ordinal);
    }
}
