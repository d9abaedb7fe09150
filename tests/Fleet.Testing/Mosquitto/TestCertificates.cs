using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fleet.Testing.Mosquitto;

/// <summary>
/// A throwaway CA and a server certificate it signed for DNS names only (no IP address), as PEM files: a broker with its
/// own CA (<c>localhost</c>: a host name check that "127.0.0.1" fails), or a stand-in edge (<c>*.ngrok-free.app</c>).
/// </summary>
public static class TestCertificates
{
    public static void Write(string caFile, string certFile, string keyFile) => Write(caFile, certFile, keyFile, "localhost");

    public static void Write(string caFile, string certFile, string keyFile, params string[] dnsNames)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Fleet test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + dnsNames[0], serverKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        using var server = request.Create(ca, now.AddHours(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(16));

        File.WriteAllText(caFile, ca.ExportCertificatePem() + "\n");
        File.WriteAllText(certFile, server.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, serverKey.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
