using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

using MQTTnet;
using MQTTnet.Formatter;

namespace Fleet.Api.SystemTests.Deployment;

/// <summary>
/// The broker container's start without Docker: infra/mosquitto/entrypoint.sh on the shipped mosquitto.conf (paths and
/// ports moved into a temporary folder, the plugin line left out). With no certificate of the operator's, it generates one
/// for FLEET_DOMAIN, keeps it across starts and logs the pin; Debian's Mosquitto then starts all three listeners and
/// a client pinning that key logs in over TLS.
/// </summary>
public sealed partial class MosquittoEntrypointTests : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string work = Directory.CreateTempSubdirectory("fleet-entrypoint-").FullName;
    private readonly string apiPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private Process? mosquitto;

    [Fact]
    public async Task Entrypoint_WithoutACertificate_GeneratesOneOnceAndTheTlsListenerServesIt()
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromMinutes(2));
        int plain = FreePort.Next(), webSockets = FreePort.Next(), tls = FreePort.Next();
        string config = await PrepareAsync(plain, webSockets, tls);

        var first = await EntrypointAsync("true", timeout.Token);
        var second = await EntrypointAsync("true", timeout.Token);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("generated a self-signed certificate for localhost (DNS:localhost)", first.Error, StringComparison.Ordinal);
        Assert.Contains("the self-signed certificate for localhost generated earlier", second.Error, StringComparison.Ordinal);
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(work, "certs", "server.crt"));
        string pin = Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        Assert.Equal(pin, Pin().Match(first.Error).Groups["pin"].Value);
        Assert.Equal(pin, Pin().Match(second.Error).Groups["pin"].Value);

        mosquitto = ChildProcess.StartWithOutput(new ProcessStartInfo(MosquittoFiles.FindTool("mosquitto", "/usr/sbin/mosquitto"), ["-c", config]), _ => { });
        Assert.True(await FreePort.WaitUntilListeningAsync(tls, TimeSpan.FromSeconds(15), () => mosquitto.HasExited, timeout.Token), "the TLS listener did not open");
        Assert.True(await FreePort.WaitUntilListeningAsync(webSockets, TimeSpan.FromSeconds(15), () => mosquitto.HasExited, timeout.Token), "the websockets listener did not open");

        using IMqttClient client = new MqttClientFactory().CreateMqttClient();
        MqttClientOptions options = new MqttClientOptionsBuilder()
            .WithTcpServer("localhost", tls)
            .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(e =>
                e.Certificate is not null
                && Convert.ToBase64String(SHA256.HashData(new X509Certificate2(e.Certificate).PublicKey.ExportSubjectPublicKeyInfo())) == pin))
            .WithCredentials("api", apiPassword)
            .WithClientId("api")
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        MqttClientConnectResult connected = await client.ConnectAsync(options, timeout.Token);
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xunit 2 never calls the latter on a test class, which left a Mosquitto
    // running after every run.
    public async Task DisposeAsync()
    {
        if (mosquitto is not null)
        {
            await ChildProcess.StopAsync(mosquitto, graceful: false, TimeSpan.FromSeconds(10));
            mosquitto.Dispose();
        }

        Directory.Delete(work, recursive: true);
    }

    /// <summary>The shipped config with its paths under the temporary folder and its listeners on free loopback ports.</summary>
    private async Task<string> PrepareAsync(int plain, int webSockets, int tls)
    {
        // As root Mosquitto drops to its own user, which must reach these files.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(work, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        string source = Directory.CreateDirectory(Path.Combine(work, "src")).FullName;
        string shipped = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "infra", "mosquitto", "mosquitto.conf"));
        // Without Fleet's plugin (the image builds it; the broker tests load it everywhere else): this is about listeners.
        string conf = PluginLine().Replace(shipped, string.Empty)
            .Replace("/mosquitto/config", $"{work}/config", StringComparison.Ordinal)
            .Replace("/mosquitto/data/", $"{work}/data/", StringComparison.Ordinal)
            .Replace("/mosquitto/certs", $"{work}/certs", StringComparison.Ordinal)
            .Replace("\nlistener 1883\n", string.Create(CultureInfo.InvariantCulture, $"\nlistener {plain} 127.0.0.1\n"), StringComparison.Ordinal)
            .Replace("\nlistener 8083\n", string.Create(CultureInfo.InvariantCulture, $"\nlistener {webSockets} lo\n"), StringComparison.Ordinal)
            .Replace("\nlistener 8883\n", string.Create(CultureInfo.InvariantCulture, $"\nlistener {tls} 127.0.0.1\n"), StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(conf, @"^listener \d+ ", RegexOptions.Multiline));
        await File.WriteAllTextAsync(Path.Combine(source, "mosquitto.conf"), conf);
        File.Copy(Path.Combine(RepositoryPaths.Root, "infra", "mosquitto", "acl"), Path.Combine(source, "acl"));
        return Path.Combine(work, "config", "mosquitto.conf");
    }

    private Task<(int ExitCode, string Output, string Error)> EntrypointAsync(string command, CancellationToken ct) =>
        ChildProcess.RunAsync(
            "env",
            [
                .. DeploymentTools.CleanEnvironment(
                    work,
                    "FLEET_DOMAIN=localhost",
                    $"FLEET_MQTT_SOURCE_DIR={work}/src",
                    $"MOSQUITTO_CONFIG_DIR={work}/config",
                    $"MOSQUITTO_DATA_DIR={work}/data",
                    $"MOSQUITTO_CERTS_DIR={work}/certs",
                    $"FLEET_MQTT_API_PASSWORD={apiPassword}",
                    $"FLEET_MQTT_MONITOR_PASSWORD={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}"),
                "sh", Path.Combine(RepositoryPaths.Root, "infra", "mosquitto", "entrypoint.sh"), command,
            ],
            CommandTimeout,
            work,
            ct);

    [GeneratedRegex(@"^plugin .*$", RegexOptions.Multiline)]
    private static partial Regex PluginLine();

    [GeneratedRegex(@"public-key pin sha256 base64 (?<pin>\S+) hex")]
    private static partial Regex Pin();
}
