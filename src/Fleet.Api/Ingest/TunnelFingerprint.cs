using System.Buffers;
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
    // Every state message is fingerprinted (ingest's hot path): the canonical text is built in one builder per thread
    // and hashed from pooled buffers, not made into a string and a byte array each time. Same bytes, same hash.
    [ThreadStatic]
    private static StringBuilder? t_text;

    [ThreadStatic]
    private static StringBuilder? t_other;

    public static string Of(IReadOnlyList<TunnelReport> tunnels)
    {
        var text = Text(t_text ??= new StringBuilder(256), tunnels, withChecks: true);
        var chars = ArrayPool<char>.Shared.Rent(text.Length);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            text.CopyTo(0, chars, text.Length);
            var length = Encoding.UTF8.GetBytes(chars.AsSpan(0, text.Length), bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// Whether <paramref name="reported"/> are other tunnels than <paramref name="current"/>: one added, removed, or
    /// with another URL, protocol, upstream or start (to the millisecond); the agent checks do not count. The same
    /// fields as the fingerprint, so "a different tunnel" has one definition (used by the change budget and history).
    /// </summary>
    public static bool MovesTunnels(IReadOnlyList<TunnelReport> current, IReadOnlyList<TunnelReport> reported) =>
        !Text(t_text ??= new StringBuilder(256), current, withChecks: false).Equals(Text(t_other ??= new StringBuilder(256), reported, withChecks: false));

    private static StringBuilder Text(StringBuilder text, IReadOnlyList<TunnelReport> tunnels, bool withChecks)
    {
        text.Clear();
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

        return text;
    }

    private static void Append(StringBuilder text, string? value) =>
        text.Append(value?.Length ?? -1).Append(':').Append(value).Append(';');
}
