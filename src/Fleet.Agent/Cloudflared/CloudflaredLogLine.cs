using System.Text.RegularExpressions;

namespace Fleet.Agent.Cloudflared;

/// <summary>
/// Reads one line of cloudflared's console log, zerolog's console format without colour:
/// <c>2024-12-19T21:17:58Z INF Starting metrics server on 127.0.0.1:20241/metrics</c>, fields as <c>key=value</c> or
/// <c>key="quoted value"</c> after the message. The messages matched here are cloudflared's own (source:
/// cmd/cloudflared/tunnel/quick_tunnel.go, connection/observer.go, supervisor/tunnel.go and supervisor.go,
/// edgediscovery/allregions/discovery.go), and the ones Cloudflare's docs and issue tracker show users getting:
/// the 429 / error 1015 answer when trycloudflare.com rate-limits quick tunnel creation (cloudflared issue #972), the
/// QUIC dial failures when outbound port 7844 is blocked (docs: "Tunnel with firewall", ports and IPs).
/// The structured truth (hostname, connections) comes from the metrics server; lines are triggers and error words.
/// </summary>
internal static partial class CloudflaredLogLine
{
    /// <summary>Error words are cut to this many characters: a line can carry a whole HTML page.</summary>
    public const int MaxWordsLength = 300;

    /// <summary>Only the start of a longer line is read; cloudflared's own lines are far shorter.</summary>
    public const int MaxLineLength = 8 * 1024;

    private const string EdgeAdvice = "no connection to Cloudflare's edge (is outbound UDP/TCP port 7844 blocked, or the network down?)";

    public static CloudflaredLogEvent Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        line = line.Length <= MaxLineLength ? line : line[..MaxLineLength];
        var match = Prefix().Match(line);
        var (level, text) = match.Success ? (match.Groups["level"].Value, line[match.Length..]) : ((string?)null, line.Trim());
        return new CloudflaredLogEvent(level, text, CloudflaredLogKind.Other) switch
        {
            var e when VersionLine().Match(text) is { Success: true } v => e with { Kind = CloudflaredLogKind.Version, Version = v.Groups["version"].Value },
            var e when text.Contains("Your quick Tunnel has been created", StringComparison.Ordinal) => e with { Kind = CloudflaredLogKind.QuickTunnelCreated },
            var e when text.StartsWith("Registered tunnel connection", StringComparison.Ordinal) => e with { Kind = CloudflaredLogKind.Connected },
            var e when ErrorWords(level, text) is { } words => e with { Kind = CloudflaredLogKind.Error, Words = Cut(words) },
            var e when text.StartsWith("Connection terminated", StringComparison.Ordinal)
                || text.StartsWith("Lost connection with the edge", StringComparison.Ordinal)
                || text.StartsWith("Unregistered tunnel connection", StringComparison.Ordinal) => e with { Kind = CloudflaredLogKind.Disconnected },
            var e => e,
        };
    }

    /// <summary>The one place that turns cloudflared's failures into words; null for lines that are not one.</summary>
    private static string? ErrorWords(string? level, string text)
    {
        if (text.StartsWith("Error unmarshaling QuickTunnel response", StringComparison.Ordinal))
        {
            // trycloudflare.com answers a plain "error code: 1015" page with 429 when it rate-limits: cloudflared
            // cannot parse it and exits. Restarting at once would only prolong the limit; the backoff grows.
            var status = Field(text, "status_code");
            return text.Contains("1015", StringComparison.Ordinal) || status?.StartsWith("429", StringComparison.Ordinal) == true
                ? "quick tunnel creation is rate-limited by trycloudflare.com (HTTP 429, Cloudflare error 1015): too many quick tunnels from this address; retrying with backoff"
                : $"trycloudflare.com did not create a quick tunnel ({status ?? "unexpected answer"})";
        }

        if (text.StartsWith("failed to request quick Tunnel", StringComparison.Ordinal))
        {
            return "cannot reach trycloudflare.com to create a quick tunnel (network down, DNS or a firewall?): " + text["failed to request quick Tunnel".Length..].TrimStart(':', ' ');
        }

        if (text.StartsWith("Error opening metrics server listener", StringComparison.Ordinal))
        {
            return "cloudflared cannot listen on its metrics address (Agent:Cloudflared:MetricsAddress; another cloudflared running?): " + text["Error opening metrics server listener".Length..].TrimStart(':', ' ');
        }

        if (level is not ("ERR" or "FTL"))
        {
            return null;
        }

        return text switch
        {
            _ when text.StartsWith("Failed to dial a quic connection", StringComparison.Ordinal)
                || text.StartsWith("Unable to establish connection with Cloudflare edge", StringComparison.Ordinal)
                || text.StartsWith("edge discovery: error looking up Cloudflare edge IPs", StringComparison.Ordinal)
                || text.StartsWith("initial tunnel connection failed", StringComparison.Ordinal)
                || text.StartsWith("Serve tunnel error", StringComparison.Ordinal) => Field(text, "error") is { } error ? $"{EdgeAdvice}: {error}" : EdgeAdvice,
            _ => null,
        };
    }

    /// <summary>
    /// A field's value: <c>key="quoted \" value"</c> or <c>key=bare</c>, the last one when the key repeats (zerolog puts
    /// fields after the message). A linear scan, not a regex: a line can be a whole HTML page.
    /// </summary>
    internal static string? Field(string text, string key)
    {
        var marker = " " + key + "=";
        var at = text.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + marker.Length;
        if (start >= text.Length || text[start] != '"')
        {
            var end = text.IndexOf(' ', start);
            return text[start..(end < 0 ? text.Length : end)];
        }

        var value = new System.Text.StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\' when i + 1 < text.Length:
                    value.Append(text[++i]);
                    break;
                case '"':
                    return value.ToString();
                default:
                    value.Append(text[i]);
                    break;
            }
        }

        return value.ToString();
    }

    private static string Cut(string words) => words.Length <= MaxWordsLength ? words : words[..(MaxWordsLength - 1)] + "…";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}) (?<level>DBG|INF|WRN|ERR|FTL|PNC|TRC|\?\?\?) ", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Prefix();

    [GeneratedRegex(@"^Version (?<version>[0-9][0-9A-Za-z.+_-]*)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex VersionLine();
}
