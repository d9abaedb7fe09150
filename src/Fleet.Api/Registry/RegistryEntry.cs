using System.Text.Json;
using CommunityToolkit.HighPerformance.Buffers;
using System.Text.Json.Serialization.Metadata;
using Fleet.Api.Data;
using Fleet.Api.Detectors;
using Fleet.Domain.Messages;
using Microsoft.Net.Http.Headers;

namespace Fleet.Api.Registry;

/// <summary>
/// One detector as the registry holds it: what the filters of <c>GET /detectors</c> look at (the stored columns the
/// SQL filters read, so both read paths select the same detectors) and its views already serialised, so a read only
/// copies bytes. Immutable: a change replaces the entry.
/// </summary>
internal sealed class RegistryEntry
{
    public required string Id { get; init; }

    /// <summary>The row's version (one sequence, a new value on every write of the row or its tunnels).</summary>
    public required long Version { get; init; }

    public required string Status { get; init; }

    /// <summary>The stored reachability summary (not the view's: the filter reads the stored one, as the SQL does).</summary>
    public required string Reachability { get; init; }

    public string? HealthStatus { get; init; }

    public string? ProviderKind { get; init; }

    public string? NgrokAccount { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>The name as stored (a sort key).</summary>
    public string? Name { get; init; }

    /// <summary>When the detector was last heard (a sort key).</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The name in lower case, for <c>q</c>.</summary>
    public string? LowerName { get; init; }

    public RelayPortAssignment? Relay { get; init; }

    /// <summary>The view as a list item (UTF-8 JSON).</summary>
    public required byte[] Json { get; init; }

    /// <summary>The view as <c>GET /detectors/{id}</c> answers it: with the relay port when there is one.</summary>
    public required byte[] OneJson { get; init; }

    /// <summary>The ETag of <c>GET /detectors/{id}</c>: the version, and the relay port, which is not part of the row.</summary>
    public EntityTagHeaderValue Tag => DetectorETags.ForDetector(Version, Relay);

    public static RegistryEntry From(DetectorRecord record, RelayPortAssignment? relay, JsonTypeInfo<DetectorView> json)
    {
        var view = record.ToView();
        var bytes = JsonSerializer.SerializeToUtf8Bytes(view, json);
        return new RegistryEntry
        {
            Id = record.Id,
            Version = record.Version,
            Status = Shared(record.Status),
            Reachability = Shared(record.Reachability),
            HealthStatus = SharedOrNull(record.HealthStatus),
            ProviderKind = SharedOrNull(record.ProviderKind),
            NgrokAccount = SharedOrNull(record.NgrokAccount),
            Tags = record.Tags.Count == 0 ? [] : record.Tags.Select(Shared).ToArray(),
            Name = record.Name,
            LastSeen = record.LastSeenAt,
            LowerName = record.Name?.ToLowerInvariant(),
            Relay = relay,
            Json = bytes,
            OneJson = relay is null ? bytes : JsonSerializer.SerializeToUtf8Bytes(view with { Relay = relay }, json),
        };
    }

    // The filter fields repeat across a fleet (a handful of statuses, providers, accounts and tags), but every row read
    // brings its own copies: one instance of each value instead saves ~350 bytes per detector (StringPool is bounded, so
    // values that stop being used cost nothing lasting).
    private static string Shared(string value) => StringPool.Shared.GetOrAdd(value);

    private static string? SharedOrNull(string? value) => value is null ? null : Shared(value);
}
