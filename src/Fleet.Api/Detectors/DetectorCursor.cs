using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Fleet.Api.Paging;
using Fleet.Domain.Identity;

namespace Fleet.Api.Detectors;

/// <summary>
/// The keyset cursor of <c>GET /detectors</c>: the last id of the page for the default order (the plain
/// <see cref="Cursor"/>, as before sorting existed), and for another order the sort, the last detector's sort key and
/// its id, so the next page starts exactly after it. A cursor of another order is refused (a 400), not misread.
/// </summary>
internal static class DetectorCursor
{
    private const int MaxLength = 1024;

    public static string Encode(DetectorSort sort, string keyText, string lastId) =>
        sort.Key == SortKey.Id && !sort.Descending
            ? Cursor.Encode(lastId)
            : Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{sort.ToWire()}\n{keyText}\n{lastId}"));

    /// <summary>The id and key after which the page starts; an error text when the cursor is not one of this order.</summary>
    public static string? TryDecode(string cursor, DetectorSort sort, out string? key, out string lastId)
    {
        key = null;
        if (sort.IsDefault)
        {
            return Cursor.TryDecode(cursor, out lastId) ? null : Cursor.InvalidAfter;
        }

        lastId = string.Empty;
        string text;
        try
        {
            text = cursor.Length <= MaxLength ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)) : string.Empty;
        }
        catch (FormatException)
        {
            return Cursor.InvalidAfter;
        }

        var parts = text.Split('\n');
        if (parts.Length != 3 || !DetectorId.IsValid(parts[2])
            || (sort.Key == SortKey.LastSeen && !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
        {
            return Cursor.InvalidAfter;
        }

        if (parts[0] != sort.ToWire())
        {
            return $"after is a cursor of sort={parts[0]}, not sort={sort.ToWire()}: start again without after, or keep the sort of the previous page.";
        }

        (key, lastId) = (parts[1], parts[2]);
        return null;
    }
}
