using Fleet.Api.Paging;
using System.Globalization;
using Fleet.Domain.Messages;

namespace Fleet.Api.History;

/// <summary>
/// The validated query of <c>GET /detectors/{id}/history</c>. The time window is half-open:
/// <c>since</c> inclusive, <c>until</c> exclusive, so consecutive windows never count an event twice.
/// </summary>
internal sealed record HistoryQuery(DateTimeOffset? Since, DateTimeOffset? Until, IReadOnlyList<string> Types, int Limit, long? After)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd",
    ];

    public static (HistoryQuery? Query, Dictionary<string, string[]> Errors) Validate(
        string? since, string? until, string[]? type, int? limit, string? after)
    {
        var errors = new Dictionary<string, string[]>();
        var from = ParseTimestamp(since, "since", errors);
        var to = ParseTimestamp(until, "until", errors);
        if (from is { } f && to is { } t && f >= t)
        {
            errors["until"] = ["until must be later than since (since is inclusive, until exclusive)."];
        }

        var types = new List<string>();
        foreach (var value in type ?? [])
        {
            if (EventTypes.All.Contains(value))
            {
                types.Add(value);
            }
            else
            {
                errors["type"] = [$"Unknown event type '{Printable(value)}'. Expected one of {string.Join(", ", EventTypes.All)}."];
            }
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit} (got {limit})."];
        }

        long? afterId = null;
        if (after is not null)
        {
            if (TryDecodeCursor(after, out var decoded))
            {
                afterId = decoded;
            }
            else
            {
                errors["after"] = [Cursor.InvalidAfter];
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new HistoryQuery(from, to, [.. types.Distinct(StringComparer.Ordinal)], limit ?? DefaultLimit, afterId), errors);
    }

    /// <summary>The cursor is the last event id, base64url-encoded by the same codec as the detector list's cursor.</summary>
    public static string EncodeCursor(long lastId) => Cursor.Encode(lastId.ToString(CultureInfo.InvariantCulture));

    private static bool TryDecodeCursor(string cursor, out long lastId)
    {
        lastId = 0;
        return Cursor.TryDecode(cursor, out var text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out lastId)
            && lastId > 0;
    }

    private static DateTimeOffset? ParseTimestamp(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(value, TimestampFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        errors[name] = [$"{name} '{Printable(value)}' is not an ISO 8601 timestamp such as 2026-11-28T10:00:00Z " +
            "(percent-encode a '+' offset as %2B)."];
        return null;
    }

    private static string Printable(string value) =>
        new([.. value.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);
}
