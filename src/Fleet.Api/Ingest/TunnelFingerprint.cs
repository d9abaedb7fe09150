using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fleet.Domain.Messages;

namespace Fleet.Api.Ingest;

/// <summary>
/// A short hash of a tunnel list, independent of its order, covering every stored field: equal fingerprints mean
/// the tunnels table would not change, so a heartbeat can skip it. Of an agent check only what is stored when it changes
/// counts (outcome, code, HTTP status), so a heartbeat carrying the same result with a new latency writes nothing; a
/// tunnel without a check hashes as before checks existed, so upgrading the API rewrites no tunnels of older agents.
/// The same fields, checks aside, decide what makes a tunnel a different tunnel (<see cref="MovesTunnels"/>).
/// </summary>
internal static class TunnelFingerprint
{
    public static string Of(IReadOnlyList<TunnelReport> tunnels)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(Text(tunnels, withChecks: true)), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>
    /// Whether <paramref name="reported"/> are other tunnels than <paramref name="current"/>: one added, removed, or
    /// with another URL, protocol, upstream or start (to the millisecond); the agent checks do not count. The same
    /// fields as the fingerprint, so "a different tunnel" has one definition (used by the change budget and history).
    /// </summary>
    public static bool MovesTunnels(IReadOnlyList<TunnelReport> current, IReadOnlyList<TunnelReport> reported) =>
        !string.Equals(Text(current, withChecks: false), Text(reported, withChecks: false), StringComparison.Ordinal);

    private static string Text(IReadOnlyList<TunnelReport> tunnels, bool withChecks)
    {
        var text = new StringBuilder();
        foreach (var tunnel in tunnels.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            // Lengths before values: no field content can imitate a separator.
            Append(text, tunnel.Name);
            Append(text, tunnel.Url);
            Append(text, tunnel.Proto);
            Append(text, tunnel.Upstream);
            Append(text, tunnel.StartedAt?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            if (withChecks && tunnel.Check is { } check)
            {
                // A letter cannot begin a length, so a tunnel with a check never reads like one without followed by more.
                text.Append('c');
                Append(text, check.Outcome);
                Append(text, check.Code);
                Append(text, check.HttpStatus?.ToString(CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, string? value) =>
        text.Append(value?.Length ?? -1).Append(':').Append(value).Append(';');
}
