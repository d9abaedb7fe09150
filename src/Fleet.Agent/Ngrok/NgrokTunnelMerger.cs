using System.Text.Json;

namespace Fleet.Agent.Ngrok;

/// <summary>
/// Turns the two API listings into one list keyed by name. /api/tunnels wins where both name the same thing
/// (it carries the id); /api/endpoints fills what it lacks and adds what only it knows.
/// </summary>
internal static class NgrokTunnelMerger
{
    // ngrok v2 opens a second, plain-http tunnel for every http tunnel and names it "<name> (http)".
    private const string V2HttpTwinSuffix = " (http)";

    public static IReadOnlyList<NgrokTunnel> Merge(IEnumerable<ApiTunnel>? tunnels, IEnumerable<ApiEndpoint>? endpoints)
    {
        List<NgrokTunnel> fromTunnels = [.. (tunnels ?? []).Select(FromTunnel).OfType<NgrokTunnel>()];
        HashSet<string> tunnelNames = [.. fromTunnels.Select(t => t.Name)];
        Dictionary<string, NgrokTunnel> byName = new(StringComparer.Ordinal);

        foreach (NgrokTunnel tunnel in fromTunnels)
        {
            if (tunnel.Name.EndsWith(V2HttpTwinSuffix, StringComparison.Ordinal))
            {
                // Report the twin only when it is alone (a `schemes: [http]` tunnel), and under the name the
                // config uses; beside its https sibling it is the same tunnel over plain http.
                string configName = tunnel.Name[..^V2HttpTwinSuffix.Length];
                if (!tunnelNames.Contains(configName))
                {
                    byName.TryAdd(configName, tunnel with { Name = configName });
                }

                continue;
            }

            byName.TryAdd(tunnel.Name, tunnel);
        }

        foreach (NgrokTunnel endpoint in (endpoints ?? []).Select(FromEndpoint).OfType<NgrokTunnel>())
        {
            byName[endpoint.Name] = byName.TryGetValue(endpoint.Name, out NgrokTunnel? known)
                ? known with { Upstream = known.Upstream ?? endpoint.Upstream, Id = known.Id ?? endpoint.Id }
                : endpoint;
        }

        return [.. byName.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>`https`, `http`, `tcp` or `tls` from a URL's scheme; null when the URL has none.</summary>
    public static string? ProtoFromUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) ? uri.Scheme.ToLowerInvariant() : null;

    // Entries without a name or an absolute URL are dropped: there is nothing to publish or to merge them by.
    private static NgrokTunnel? FromTunnel(ApiTunnel tunnel)
    {
        if (string.IsNullOrEmpty(tunnel.Name) || string.IsNullOrEmpty(tunnel.PublicUrl)
            || ProtoFromUrl(tunnel.PublicUrl) is not { } schemeProto)
        {
            return null;
        }

        string proto = string.IsNullOrEmpty(tunnel.Proto) ? schemeProto : tunnel.Proto;
        return new NgrokTunnel(tunnel.Name, tunnel.PublicUrl, proto, Text(tunnel.Config?.Addr), NullIfEmpty(tunnel.Id));
    }

    private static NgrokTunnel? FromEndpoint(ApiEndpoint endpoint)
    {
        if (string.IsNullOrEmpty(endpoint.Name) || string.IsNullOrEmpty(endpoint.Url)
            || ProtoFromUrl(endpoint.Url) is not { } proto)
        {
            return null;
        }

        return new NgrokTunnel(endpoint.Name, endpoint.Url, proto, Text(endpoint.Upstream?.Url), Id: null);
    }

    private static string? Text(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.String } e => NullIfEmpty(e.GetString()),
        { ValueKind: JsonValueKind.Number } e => e.GetRawText(),
        _ => null,
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
