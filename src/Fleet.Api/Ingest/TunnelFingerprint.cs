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
/// </summary>
internal static class TunnelFingerprint
{
    public static string Of(IReadOnlyList<TunnelReport> tunnels)
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
            if (tunnel.Check is { } check)
            {
                // A letter cannot begin a length, so a tunnel with a check never reads like one without followed by more.
                text.Append('c');
                Append(text, check.Outcome);
                Append(text, check.Code);
                Append(text, check.HttpStatus?.ToString(CultureInfo.InvariantCulture));
            }
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    private static void Append(StringBuilder text, string? value) =>
        text.Append(value?.Length ?? -1).Append(':').Append(value).Append(';');
}
