using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fleet.Api.SystemTests.Security;

/// <summary>A key-ring certificate (.pfx, RSA) for API instances that must share one, as operators give it.</summary>
internal static class KeyRingCertificates
{
    public static string WritePfx(string directory, string? password = null)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Fleet test key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(directory, "key-ring.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }
}
