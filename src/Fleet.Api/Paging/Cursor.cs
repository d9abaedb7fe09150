using System.Buffers.Text;
using System.Text;
using Fleet.Domain.Identity;

namespace Fleet.Api.Paging;

/// <summary>An opaque keyset cursor: the last id of the previous page, base64url-encoded.</summary>
internal static class Cursor
{
    /// <summary>The 400 text for an <c>after</c> this API did not hand out: one wording for every list.</summary>
    public const string InvalidAfter = "after is not a valid cursor: use the one from the Link header of the previous page.";

    public static string Encode(string lastId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastId));

    public static bool TryDecode(string cursor, out string lastId)
    {
        lastId = string.Empty;
        if (cursor.Length > 128)
        {
            return false;
        }

        try
        {
            lastId = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return false;
        }

        return DetectorId.IsValid(lastId);
    }

    /// <summary>A cursor of a list ordered by a numeric id (alerts, the audit trail).</summary>
    public static bool TryDecodeNumber(string cursor, out long id)
    {
        id = 0;
        return TryDecode(cursor, out var text)
            && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id);
    }
}
