using System.Text.RegularExpressions;

namespace Fleet.Agent.Ngrok;

/// <summary>Cleaning of free text from ngrok's log before it reaches our logs or an MQTT message.</summary>
internal static partial class NgrokLogText
{
    /// <summary>Error text is capped: it ends up in structured logs and published status.</summary>
    public const int MaxLength = 1000;

    /// <summary>The first `ERR_NGROK_nnn` in the texts, upper-cased; null when there is none.</summary>
    public static string? FindErrorCode(params ReadOnlySpan<string?> texts)
    {
        foreach (string? text in texts)
        {
            if (text is not null && ErrorCodePattern().Match(text) is { Success: true } match)
            {
                return match.Value.ToUpperInvariant();
            }
        }

        return null;
    }

    /// <summary>
    /// Removes secrets and flattens to one line. ngrok echoes the token back in ERR_NGROK_105 ("Your authtoken:
    /// …"), and `authtoken=` / `"authtoken":` forms can appear in debug records.
    /// </summary>
    public static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string cleaned = Whitespace().Replace(Secret().Replace(text, "$1$2[redacted]"), " ").Trim();
        return cleaned.Length <= MaxLength ? cleaned : string.Concat(cleaned.AsSpan(0, MaxLength), "…");
    }

    [GeneratedRegex(@"ERR_NGROK_\d+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ErrorCodePattern();

    [GeneratedRegex(@"\b(authtoken|api[_-]?key)([""']?\s*[:=]\s*[""']?)[^\s""',}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Secret();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
