using System.Xml;
using System.Xml.Linq;
using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Auth;

/// <summary>
/// Deletes keys an earlier version stored without encryption. They are ignored anyway
/// (<see cref="EncryptedKeysOnlyRepository"/>); deleting them takes their master keys out of the database and its
/// future backups. Cookies issued under them stop working: those browsers sign in again.
/// </summary>
internal static partial class KeyRingStartup
{
    public static async Task DeleteUnencryptedKeysAsync(FleetDbContext db, ILogger logger, CancellationToken ct)
    {
        var rows = await db.DataProtectionKeys.ToListAsync(ct);
        var unencrypted = rows.Where(r => IsUnencrypted(r.Xml)).ToList();
        if (unencrypted.Count == 0)
        {
            return;
        }

        db.DataProtectionKeys.RemoveRange(unencrypted);
        await db.SaveChangesAsync(ct);
        LogDeleted(logger, unencrypted.Count);
    }

    private static bool IsUnencrypted(string? xml)
    {
        try
        {
            return xml is not null && EncryptedKeysOnlyRepository.IsUnencryptedKey(XElement.Parse(xml));
        }
        catch (XmlException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted {Count} data-protection keys stored without encryption by an earlier version; " +
        "browser sessions signed with them have ended (sign in again). New keys are encrypted with the key-ring certificate")]
    private static partial void LogDeleted(ILogger logger, int count);
}
