using Fleet.Testing.Mosquitto;

namespace Fleet.Agent.Tests.Publishing;

/// <summary>
/// Mosquitto with its plain and TLS listeners (a certificate for <c>localhost</c> from a throwaway CA) and a wss://
/// front on the same certificate, shared by the tests of one class; every test adds its own detector.
/// </summary>
public sealed class HostileNetworkBroker : IAsyncLifetime
{
    public MosquittoBroker Mosquitto { get; private set; } = null!;

    public WebSocketFront Wss { get; private set; } = null!;

    /// <summary>The pin of the listener's key, as an operator computes it with openssl.</summary>
    public string Pin { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Mosquitto = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = true });
        Wss = await WebSocketFront.StartAsync(Mosquitto.Port, Mosquitto.CertFile, Mosquitto.KeyFile);
        var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        certificates.ImportFromPemFile(Mosquitto.CertFile);
        using var certificate = certificates[0];
        Pin = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    public async Task DisposeAsync()
    {
        await Wss.DisposeAsync();
        await Mosquitto.DisposeAsync();
    }

    /// <summary>A new detector identity on the broker: its id and password.</summary>
    public async Task<(string Id, string Password)> AddDetectorAsync(string prefix, CancellationToken ct)
    {
        var id = $"{prefix}-{Guid.NewGuid():N}"[..20];
        var password = Guid.NewGuid().ToString("N");
        await Mosquitto.AddUserAsync(id, password, ct);
        return (id, password);
    }
}
