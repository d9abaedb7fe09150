using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fleet.Api.Mqtt;

/// <summary>
/// The certificate of the embedded broker's TLS port: the one Kestrel serves HTTPS with by default
/// (<c>Kestrel:Certificates:Default</c>: <c>Path</c> to a PEM certificate with <c>KeyPath</c> to its key, or to a .pfx;
/// <c>Password</c> for an encrypted key or a .pfx), so one certificate configuration serves https, wss and mqtts.
/// The files are read again at the next handshake after they change (a renewal needs no restart); intermediate
/// certificates in the PEM file are sent with it.
/// </summary>
internal sealed class BrokerCertificate
{
    public const string Section = "Kestrel:Certificates:Default";
    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly string? _keyPath;
    private readonly string? _password;
    private (DateTime Certificate, DateTime Key) _loadedAt;
    private SslServerAuthenticationOptions _current;

    private BrokerCertificate(string path, string? keyPath, string? password)
    {
        _path = path;
        _keyPath = keyPath;
        _password = password;
        _loadedAt = WriteTimes();
        _current = Load();
    }

    /// <summary>The configured certificate, or null when <c>Kestrel:Certificates:Default:Path</c> is not set.</summary>
    /// <exception cref="InvalidOperationException">The files cannot be read: the message names the key, never the password.</exception>
    public static BrokerCertificate? FromConfiguration(IConfiguration configuration, string contentRoot)
    {
        var section = configuration.GetSection(Section);
        if (string.IsNullOrWhiteSpace(section["Path"]))
        {
            return null;
        }

        var path = Path.GetFullPath(section["Path"]!, contentRoot);
        var keyPath = string.IsNullOrWhiteSpace(section["KeyPath"]) ? null : Path.GetFullPath(section["KeyPath"]!, contentRoot);
        return new BrokerCertificate(path, keyPath, section["Password"]);
    }

    /// <summary>What a TLS handshake uses now: the files as they were at the last change seen.</summary>
    public SslServerAuthenticationOptions Current
    {
        get
        {
            var times = WriteTimes();
            lock (_gate)
            {
                if (times != _loadedAt)
                {
                    try
                    {
                        _current = Load();
                        _loadedAt = times;
                    }
                    catch (InvalidOperationException)
                    {
                        // Half-written during a renewal: keep serving the previous certificate and try again next time.
                    }
                }

                return _current;
            }
        }
    }

    public X509Certificate2 Certificate => Current.ServerCertificateContext!.TargetCertificate;

    private (DateTime, DateTime) WriteTimes() =>
        (File.GetLastWriteTimeUtc(_path), _keyPath is null ? default : File.GetLastWriteTimeUtc(_keyPath));

    private SslServerAuthenticationOptions Load()
    {
        try
        {
            var (certificate, intermediates) = _keyPath is null ? LoadPkcs12() : LoadPem(_keyPath);
            return new SslServerAuthenticationOptions
            {
                ServerCertificateContext = SslStreamCertificateContext.Create(certificate, intermediates, offline: true),
                ClientCertificateRequired = false,
                ApplicationProtocols = [new SslApplicationProtocol("mqtt")],
            };
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"{Section}:Path ({_path}) and :KeyPath/:Password could not be loaded as a certificate with its private key ({ex.GetType().Name}); give a PEM certificate with KeyPath, or a .pfx with Password.");
        }
    }

    private (X509Certificate2, X509Certificate2Collection) LoadPkcs12()
    {
        var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(_path, _password);
        var leaf = all.FirstOrDefault(c => c.HasPrivateKey) ?? throw new CryptographicException("no private key");
        all.Remove(leaf);
        return (leaf, all);
    }

    private (X509Certificate2, X509Certificate2Collection) LoadPem(string keyPath)
    {
        var leaf = string.IsNullOrEmpty(_password)
            ? X509Certificate2.CreateFromPemFile(_path, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(_path, _password, keyPath);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(_path);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in chain.Skip(1))
        {
            intermediates.Add(certificate);
        }

        return (leaf, intermediates);
    }
}
