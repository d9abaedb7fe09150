using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Fleet.Api.SystemTests.Deployment;

/// <summary>
/// A real Caddy (`caddy run`) with the shipped infra/caddy/Caddyfile, its values from the environment as in compose,
/// and only what keeps a test off the internet and off privileged ports added to the global options: loopback ports,
/// the admin API off, no OCSP. With FLEET_TLS=internal Caddy makes its own CA in a storage folder of its own, whose
/// root the test's clients trust (nothing is installed in the system's trust store).
/// </summary>
public sealed class CaddyServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string directory;
    private readonly StringBuilder log = new();
    private Process? process;

    private CaddyServer(string directory, int httpsPort)
    {
        this.directory = directory;
        HttpsPort = httpsPort;
    }

    public int HttpsPort { get; }

    /// <summary>https://127.0.0.1:port/, the site FLEET_DOMAIN=127.0.0.1 serves.</summary>
    public Uri BaseAddress => new($"https://127.0.0.1:{HttpsPort.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Caddy's local CA root, what an operator gives agents and browsers in the lab case.</summary>
    public string RootCertificateFile => Path.Combine(directory, "data", "caddy", "pki", "authorities", "local", "root.crt");

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    public static async Task<CaddyServer> StartAsync(int apiPort, int mqttWebSocketsPort, CancellationToken ct)
    {
        string caddy = DeploymentTools.Caddy;
        string directory = Directory.CreateTempSubdirectory("fleet-caddy-").FullName;
        CaddyServer server = new(directory, FreePort.Next());
        try
        {
            await OrphanGuard.WatchPidFileAsync(directory, "caddy.pid");
            string config = Path.Combine(directory, "Caddyfile");
            await File.WriteAllTextAsync(config, ForTest(await File.ReadAllTextAsync(ShippedCaddyfile, ct), FreePort.Next(), server.HttpsPort), ct);

            ProcessStartInfo start = new(caddy) { WorkingDirectory = directory };
            foreach (string argument in (string[])["run", "--config", config, "--adapter", "caddyfile"])
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["HOME"] = directory;
            start.Environment["XDG_DATA_HOME"] = Path.Combine(directory, "data");
            start.Environment["XDG_CONFIG_HOME"] = Path.Combine(directory, "config");
            start.Environment["FLEET_DOMAIN"] = "127.0.0.1";
            start.Environment["FLEET_TLS"] = "internal";
            start.Environment["FLEET_API_UPSTREAM"] = $"127.0.0.1:{apiPort.ToString(CultureInfo.InvariantCulture)}";
            start.Environment["FLEET_MQTT_UPSTREAM"] = $"127.0.0.1:{mqttWebSocketsPort.ToString(CultureInfo.InvariantCulture)}";
            server.process = ChildProcess.StartWithOutput(start, server.Append);
            await File.WriteAllTextAsync(Path.Combine(directory, "caddy.pid"), server.process.Id.ToString(CultureInfo.InvariantCulture), ct);

            // The site's certificate is issued a moment after the start: wait for it in storage, not for a fixed time.
            string leaf = Path.Combine(directory, "data", "caddy", "certificates", "local", "127.0.0.1", "127.0.0.1.crt");
            await Eventually.TrueAsync(
                () =>
                {
                    ct.ThrowIfCancellationRequested();
                    return Task.FromResult(server.process.HasExited || (File.Exists(leaf) && File.Exists(server.RootCertificateFile)));
                },
                "caddy issued its internal certificate",
                StartTimeout);
            if (server.process.HasExited
                || !await FreePort.WaitUntilListeningAsync(server.HttpsPort, StartTimeout, () => server.process.HasExited, ct))
            {
                throw new InvalidOperationException($"caddy did not start. Log:{Environment.NewLine}{server.Log}");
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>infra/caddy/Caddyfile, the file compose mounts.</summary>
    public static string ShippedCaddyfile => Path.Combine(RepositoryPaths.Root, "infra", "caddy", "Caddyfile");

    /// <summary>Validates that the server's certificate chains to Caddy's root alone (not the system's CAs) and names the host.</summary>
    /// <param name="certificate">The server's certificate.</param>
    /// <param name="presented">The chain built from what the server sent: Caddy sends its intermediate with the leaf.</param>
    /// <param name="errors">The platform's verdict; only a name mismatch or a missing certificate counts here.</param>
    public bool TrustsOnlyCaddysRoot(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using X509Certificate2 root = X509CertificateLoader.LoadCertificateFromFile(RootCertificateFile);
        using X509Chain chain = new();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (X509ChainElement element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using X509Certificate2 leaf = new(certificate);
        return chain.Build(leaf);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref process, null) is { } running)
        {
            using (running)
            {
                await ChildProcess.StopAsync(running, graceful: true, TimeSpan.FromSeconds(10));
            }
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>The shipped file with test-only global options added: everything on loopback, admin off, no OCSP.</summary>
    private static string ForTest(string caddyfile, int httpPort, int httpsPort)
    {
        const string GlobalBlock = "\n{\n";
        int at = caddyfile.IndexOf(GlobalBlock, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException($"{ShippedCaddyfile} has no global options block ('{{' on a line of its own) for the test to extend.");
        }

        string options = string.Create(
            CultureInfo.InvariantCulture,
            $"\tadmin off\n\thttp_port {httpPort}\n\thttps_port {httpsPort}\n\tdefault_bind 127.0.0.1\n\tocsp_stapling off\n");
        return caddyfile.Insert(at + GlobalBlock.Length, options);
    }

    private void Append(string line)
    {
        lock (log)
        {
            log.AppendLine(line);
        }
    }
}
