using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Fleet.Api.Auth;

/// <summary>
/// The key-ring repository as the key manager sees it: only keys encrypted with the certificate are used. Keys stored
/// without encryption (by an earlier version, or planted in the table) are ignored, so the framework creates a new,
/// encrypted key; <see cref="KeyRingStartup"/> deletes the old ones.
/// </summary>
internal sealed class EncryptedKeysOnlyRepository(IXmlRepository inner) : IXmlRepository
{
    private const string CertificateDecryptor = "Microsoft.AspNetCore.DataProtection.XmlEncryption.EncryptedXmlDecryptor";

    public IReadOnlyCollection<XElement> GetAllElements() => [.. inner.GetAllElements().Where(e => !IsUnencryptedKey(e))];

    public void StoreElement(XElement element, string friendlyName) => inner.StoreElement(element, friendlyName);

    /// <summary>A <c>key</c> element whose secret is not under an X.509 <c>encryptedSecret</c>.</summary>
    public static bool IsUnencryptedKey(XElement element) =>
        element.Name.LocalName == "key"
        && !element.Descendants().Any(d => d.Name.LocalName == "encryptedSecret"
            && ((string?)d.Attribute("decryptorType"))?.StartsWith(CertificateDecryptor, StringComparison.Ordinal) == true);
}
