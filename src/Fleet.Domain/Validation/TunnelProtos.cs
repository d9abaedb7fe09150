namespace Fleet.Domain.Validation;

/// <summary>
/// A tunnel's <c>proto</c> (docs/CONTRACT.md): one of the known values, and agreeing with its URL's scheme. A web URL's
/// proto is its scheme; a <c>tcp://</c> or <c>ssh://</c> address may say what runs over it (<c>tcp</c>, <c>tls</c>,
/// <c>ssh</c>), as a static tunnel's configured proto does. Absent is fine (optional in the contract). Case is ignored,
/// as the shipped agent copies a configured static proto as written.
/// </summary>
public static class TunnelProtos
{
    /// <summary>What the shipped agent sends: ngrok's https/http/tcp/tls, a reverse-SSH or static URL's scheme.</summary>
    public static readonly IReadOnlyList<string> Known = ["http", "https", "tcp", "tls", "ssh"];

    private static readonly string[] OverTcp = ["tcp", "tls", "ssh"];

    /// <summary>Why <paramref name="proto"/> cannot go with <paramref name="url"/> (already valid), or null when it can.</summary>
    public static string? Validate(string? proto, string url)
    {
        if (proto is null)
        {
            return null;
        }

        if (!Known.Contains(proto, StringComparer.OrdinalIgnoreCase))
        {
            return $"proto must be one of {string.Join(", ", Known)}";
        }

        var scheme = url[..Math.Max(0, url.IndexOf(':', StringComparison.Ordinal))];
        var agrees = string.Equals(proto, scheme, StringComparison.OrdinalIgnoreCase)
            || OverTcp.Contains(scheme, StringComparer.OrdinalIgnoreCase) && OverTcp.Contains(proto, StringComparer.OrdinalIgnoreCase);
        return agrees ? null : $"proto '{proto.ToLowerInvariant()}' does not match the URL's scheme '{scheme}'";
    }
}
