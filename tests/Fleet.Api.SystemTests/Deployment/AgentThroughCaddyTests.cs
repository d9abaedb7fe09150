using System.Net;
using System.Text.Json;
using Fleet.Api.SystemTests.EndToEnd;

namespace Fleet.Api.SystemTests.Deployment;

/// <summary>
/// Issue 14: the agent (its real binary) on a network that lets only 443 out reaches the broker through Caddy over
/// wss://…/mqtt: the embedded broker (MQTT over WebSockets on the API's port) and Mosquitto (its websockets listener,
/// as in the compose deployment). Its endpoint list starts with mqtts on a port where nothing answers, as 8883 behind
/// such a firewall; it moves on to wss, trusts only Caddy's own CA (Agent:Mqtt:CaFile), and the detector comes online.
/// </summary>
public sealed class AgentThroughCaddyTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Agent_With8883BlockedFirst_ComesOnlineOverWssThroughCaddy(bool mosquitto)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var database = await MigratedDatabase.CreateAsync("agent_caddy", ct);
        await using var broker = mosquitto ? await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { WebSockets = true }, ct) : null;
        var settings = new FleetApiSettings(database, broker is null ? BrokerSettings.ForEmbedded() : BrokerSettings.ForMosquitto(broker));
        await using var api = await ApiProcess.StartAsync(settings, mosquitto ? "api-mosquitto-behind-caddy" : "api-embedded-behind-caddy", ct);
        await api.WaitReadyAsync(ct: ct);
        // The embedded broker serves MQTT over WebSockets at /mqtt on the API's own port; Mosquitto on its listener.
        await using var caddy = await CaddyServer.StartAsync(api.HttpPort, broker?.WebSocketsPort ?? api.HttpPort, ct);

        var id = Messages.NewId("pi-443");
        using var admin = api.CreateWithKey(TestKeys.Admin);
        using var provisioned = await admin.PostAsync(new Uri($"/detectors/{id}/credentials", UriKind.Relative), content: null, ct);
        Assert.Equal(HttpStatusCode.Created, provisioned.StatusCode);
        var password = JsonDocument.Parse(await provisioned.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("password").GetString()!;
        if (broker is not null)
        {
            await broker.AddUserAsync(id, password, ct);
        }

        var work = Directory.CreateTempSubdirectory("fleet-agent-caddy-").FullName;
        try
        {
            var passwordFile = Path.Combine(work, "mqtt-password");
            await File.WriteAllTextAsync(passwordFile, password, ct);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var blocked = FreePort.Next();
            await using var agent = new AgentProcess(work, new
            {
                DetectorId = id,
                StateDirectory = Path.Combine(work, "state"),
                LogDirectory = Path.Combine(work, "log"),
                Heartbeat = "00:00:30",
                Provider = "static",
                Static = new { Tunnels = new[] { new { Name = "web", Url = "https://pi-443.example.net", Proto = "https" } } },
                Mqtt = new
                {
                    Endpoints = new[] { $"mqtts://127.0.0.1:{blocked}", new Uri(caddy.BaseAddress, "mqtt").ToString().Replace("https://", "wss://", StringComparison.Ordinal) },
                    Username = id,
                    ClientId = id,
                    PasswordFile = passwordFile,
                    CaFile = caddy.RootCertificateFile,
                    ConnectTimeout = "00:00:05",
                },
            });
            agent.Start();

            using var reader = api.CreateWithKey(TestKeys.Reader);
            await Eventually.TrueAsync(
                async () =>
                {
                    using var response = await reader.GetAsync(new Uri($"/detectors/{id}", UriKind.Relative), ct);
                    return response.StatusCode == HttpStatusCode.OK
                        && JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("status").GetString() == "online";
                },
                $"{id} online through Caddy. Agent output:{Environment.NewLine}{agent.Output}");
            Assert.Contains("wss://", agent.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
