using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fleet.Api.Data;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Auth;

/// <summary>
/// The certificate the key ring is encrypted with: the configured one, or one generated once into the data folder
/// (mode 0600, written atomically so two instances starting together agree on one file). A copy of the database alone
/// then holds only encrypted keys.
/// </summary>
internal static class KeyRingCertificate
{
    public const string DefaultFileName = "key-ring-encryption.pfx";

    public static X509Certificate2 Load(KeyRingOptions options, string dataDirectory, OwnerOnlyFiles files)
    {
        if (options.CertificatePath is { Length: > 0 } configured)
        {
            if (!File.Exists(configured))
            {
                throw Invalid($"DataProtection:CertificatePath: {configured} does not exist. Give a .pfx file with an RSA " +
                    "certificate and its private key, or remove the setting to use a generated one in the data folder.");
            }

            files.TightenIfPresent(configured);
            return Read(configured, options.CertificatePassword);
        }

        files.EnsureDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, DefaultFileName);
        if (!File.Exists(path))
        {
            Generate(path);
        }

        files.TightenIfPresent(path);
        return Read(path, null);
    }

    private static X509Certificate2 Read(string path, string? password)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException)
        {
            throw Invalid($"DataProtection:CertificatePath: {path} could not be read as a .pfx file (a wrong or missing DataProtection:CertificatePassword?).");
        }

        using var key = certificate.GetRSAPrivateKey();
        if (key is null)
        {
            certificate.Dispose();
            throw Invalid($"DataProtection:CertificatePath: {path} has no RSA private key; the key ring needs one to encrypt and decrypt its keys.");
        }

        return certificate;
    }

    private static void Generate(string path)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Fleet key-ring encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(100));
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, create))
        {
            stream.Write(certificate.Export(X509ContentType.Pkcs12));
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance sharing this folder generated one first: use that one.
            File.Delete(temporary);
        }
    }

    private static OptionsValidationException Invalid(string message) =>
        new(KeyRingOptions.Section, typeof(KeyRingOptions), [message]);
}
