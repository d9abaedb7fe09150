using System.Buffers.Text;
using System.Text;
using Fleet.Domain.Identity;

namespace Fleet.Api.Paging;

/// <summary>An opaque keyset cursor: the last id of the previous page, base64url-encoded.</summary>
internal static class Cursor
{
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
}
