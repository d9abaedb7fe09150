using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Fleet.Api.Data;
using Fleet.Api.Detectors;
using Fleet.Api.Registry;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Monitoring;

/// <summary>
/// The current views of changed detectors, for the monitoring topics. From this instance's registry when it is exact:
/// every writer tells the registry before it hands its change to monitoring (<see cref="Ingest.IEventSink"/>), so once
/// the registry has heard everything told so far (<see cref="IDetectorChanges.HeardAsync"/>), it holds those commits
/// and the views it already serialised are current; no second read of the same rows. Otherwise (reads from the
/// database, the registry not loaded or not exact) read from the database, in one query. Either way the JSON is the
/// registry's (<paramref name="json"/>: as <c>GET /detectors/{id}</c> writes it, relay port aside).
/// </summary>
internal sealed class MonitoringViews(
    DetectorRegistry registry, IDetectorChanges changes, IServiceScopeFactory scopes, JsonTypeInfo<DetectorView> json)
{
    /// <summary>The view of each id that still exists (a decommissioned detector has none).</summary>
    public async Task<Dictionary<string, PublishedView>> ReadAsync(List<string> ids, CancellationToken ct)
    {
        if (registry.Enabled)
        {
            await changes.HeardAsync(ct);
            if (registry.Current is { } snapshot)
            {
                var views = new Dictionary<string, PublishedView>(ids.Count, StringComparer.Ordinal);
                foreach (var id in ids)
                {
                    if (snapshot.Find(id) is { } entry)
                    {
                        // The list item: the view without the relay port, as the retained registry topic always carried it.
                        views[id] = new PublishedView(entry.Json, view: null);
                    }
                }

                return views;
            }
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var records = await db.Detectors.AsNoTracking().Include(d => d.Tunnels).Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        return records.ToDictionary(
            r => r.Id,
            r =>
            {
                var view = r.ToView();
                return new PublishedView(JsonSerializer.SerializeToUtf8Bytes(view, json), view);
            },
            StringComparer.Ordinal);
    }
}

/// <summary>A detector's view as JSON (what the registry topic carries), and as an object only for whoever needs one.</summary>
internal sealed class PublishedView(byte[] json, DetectorView? view)
{
    private DetectorView? _view = view;

    /// <summary>UTF-8 JSON as the HTTP endpoints write it: the retained payload as it is.</summary>
    public byte[] Json { get; } = json;

    /// <summary>The view itself, parsed from <see cref="Json"/> on first use (Home Assistant's discovery only).</summary>
    public DetectorView View => _view ??= JsonSerializer.Deserialize(Json, FleetJsonContext.Default.DetectorView)!;
}
