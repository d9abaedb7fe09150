using System.Text.RegularExpressions;

namespace Fleet.Domain.Identity;

/// <summary>Rules for detector ids: a DNS label, so an id is safe in MQTT topics, URLs and host names.</summary>
public static partial class DetectorId
{
    public const string Pattern = "^[a-z0-9][a-z0-9-]{0,62}$";

    // In .NET, '$' also matches before a final '\n', so the regex itself anchors with '\z'.
    private const string WholeStringPattern = @"^[a-z0-9][a-z0-9-]{0,62}\z";
    public const int MaxLength = 63;

    // Broker identities (the API, monitoring tools, administrators) share the username space with detectors,
    // so a detector must never be able to take one of their names.
    private static readonly string[] ReservedPrefixes = ["api", "monitor", "admin"];

    public static bool IsValid(string? id) => id is not null && id.Length <= MaxLength && IdRegex().IsMatch(id);

    public static bool IsReserved(string id) =>
        ReservedPrefixes.Any(prefix => id.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Returns null when the id is acceptable, otherwise a message that says what is wrong.</summary>
    public static string? Validate(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "A detector id is required.";
        }

        if (!IsValid(id))
        {
            return $"'{Printable(id)}' is not a valid detector id: it must match {Pattern} (lower-case letters, digits and '-', at most 63 characters, not starting with '-').";
        }

        return null;
    }

    internal static string Printable(string value)
    {
        var shortened = value.Length > 80 ? value[..80] + "…" : value;
        return new string([.. shortened.Select(c => char.IsControl(c) ? '?' : c)]);
    }

    [GeneratedRegex(WholeStringPattern, RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();
}
