using System.Net;
using System.Text.Json;
using Fleet.Api.SystemTests.EndToEnd;

namespace Fleet.Api.SystemTests.Deployment;

/// <summary>
/// Issue 14: the agent (its real binary) on a network that lets only 443 out reaches the embedded broker through Caddy
/// over wss://…/mqtt. Its endpoint list starts with mqtts on a port where nothing answers, as 8883 behind such a
/// firewall; it moves on to wss, trusts only Caddy's own CA (Agent:Mqtt:CaFile), and the detector comes online.
/// </summary>
public sealed class AgentThroughCaddyTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Agent_With8883BlockedFirst_ComesOnlineOverWssThroughCaddyToTheEmbeddedBroker()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("agent_caddy", ct);
        // The embedded broker serves MQTT over WebSockets at /mqtt on the API's own port, so Caddy sends both there.
        await using var api = await ApiProcess.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded()), "api-embedded-behind-caddy", ct);
        await api.WaitReadyAsync(ct: ct);
        await using var caddy = await CaddyServer.StartAsync(api.HttpPort, api.HttpPort, ct);

        var id = Messages.NewId("pi-443");
        using var admin = api.CreateWithKey(TestKeys.Admin);
        using var provisioned = await admin.PostAsync(new Uri($"/detectors/{id}/credentials", UriKind.Relative), content: null, ct);
        Assert.Equal(HttpStatusCode.Created, provisioned.StatusCode);
        var password = JsonDocument.Parse(await provisioned.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("password").GetString()!;

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
