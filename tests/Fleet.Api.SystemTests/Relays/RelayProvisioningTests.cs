using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Fleet.Api.SystemTests.EndToEnd;
using Fleet.Domain.Messages;
using Fleet.Testing.Ssh;

namespace Fleet.Api.SystemTests.Relays;

/// <summary>
/// Issue 16's relay, end to end: the API hands a detector a port of a real OpenSSH relay (Debian's sshd, started by the
/// test on loopback), the agent binary configured from that answer forwards through it so the relay's port reaches the
/// "Pi's" service, another detector's key cannot listen there, and decommissioning hands the port to the next detector.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RelayProvisioningTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task ProvisionedForTheRelay_AgentForwardsThroughSshd_OthersCannotListen_DecommissionHandsThePortOn()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var work = Directory.CreateTempSubdirectory("fleet-relay-e2e-").FullName;
        await using var relay = await SshRelay.StartAsync(ct: ct);
        await using var echo = new TcpEcho();
        var port = FreePort.Next();
        var portText = port.ToString(CultureInfo.InvariantCulture);
        await using var api = await FleetApiFactory.StartAsync(new FleetApiSettings(await MigratedDatabase.CreateAsync("relay_e2e", ct), BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?>
            {
                ["Provisioning:BrokerHost"] = "127.0.0.1",
                ["Relay:Relays:0:Name"] = "loop",
                ["Relay:Relays:0:Host"] = relay.Host,
                ["Relay:Relays:0:SshPort"] = relay.Port.ToString(CultureInfo.InvariantCulture),
                ["Relay:Relays:0:User"] = relay.User,
                ["Relay:Relays:0:PortRange"] = $"{portText}-{portText}",

                // Loopback on the relay too: the test never opens a port on every interface.
                ["Relay:Relays:0:RemoteBindAddress"] = relay.Host,
            },
        });
        using var admin = api.CreateAdmin();
        var knownHosts = Path.Combine(work, "known_hosts");
        await relay.WriteKnownHostsAsync(knownHosts, ct);
        var (a, b) = (Messages.NewId("ra"), Messages.NewId("rb"));
        var keyA = await SshRelay.CreateKeyAsync(work, "pi-a", ct);
        var keyB = await SshRelay.CreateKeyAsync(work, "pi-b", ct);

        // A is provisioned with its public key; the relay admin installs the answer's line (what install.sh add-key writes).
        var answerA = await ProvisionAsync(admin, a, keyA, HttpStatusCode.Created, ct);
        Assert.Equal(port, (int)answerA!["relay"]!["port"]!);
        await File.AppendAllTextAsync(relay.AuthorizedKeysFile, $"{answerA["relay"]!["authorizedKeysLine"]}\n", ct);
        await using (var agentA = StartAgent(work, answerA, keyA, echo.Port, knownHosts))
        {
            var online = await WaitForDetectorAsync(api, a, v => v.Provider?.State == "running" && v.Tunnels.Count == 1, agentA, ct);
            Assert.Equal(PublicUrl(port), online.Tunnels[0].Url);
            Assert.Equal(new RelayPortAssignment("loop", port), online.Relay);
            Assert.Equal("through the relay", await TcpEcho.RoundTripAsync("127.0.0.1", port, "through the relay", ct));

            // B: no port while A holds the only one; and B's key, allowed another port, cannot listen on A's.
            Assert.Null(await ProvisionAsync(admin, b, keyB, HttpStatusCode.Conflict, ct));
            await relay.AuthorizeAsync(keyB, $"restrict,port-forwarding,permitlisten=\"{FreePort.Next()}\",command=\"/bin/false\"", ct);
            var (exitCode, _, error) = await ChildProcess.RunAsync("ssh", SshArguments(relay, keyB, knownHosts, port, echo.Port), TimeSpan.FromSeconds(60), ct: ct);
            Assert.True(exitCode != 0, "ssh with B's key must not get A's port");
            Assert.Contains($"remote port forwarding failed for listen port {portText}", error, StringComparison.Ordinal);
            Assert.Equal("still A", await TcpEcho.RoundTripAsync("127.0.0.1", port, "still A", ct));

            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/detectors/{a}", ct)).StatusCode);
        }

        // The relay admin removes A's key (install.sh remove-key ends its session; the agent above is gone too), and B's
        // line for the other port, as add-key replaces a detector's line: sshd obeys the first line that holds a key.
        var kept = (await File.ReadAllLinesAsync(relay.AuthorizedKeysFile, ct))
            .Where(l => !l.EndsWith($" fleet:{a}", StringComparison.Ordinal) && !l.Contains(keyB.PublicKey, StringComparison.Ordinal));
        await File.WriteAllLinesAsync(relay.AuthorizedKeysFile, kept, ct);
        Assert.Empty(await admin.GetFromJsonAsync<JsonArray>("/relays/loop/ports", ct) ?? []);

        var answerB = await ProvisionAsync(admin, b, keyB, HttpStatusCode.Created, ct);
        Assert.Equal(port, (int)answerB!["relay"]!["port"]!);
        await File.AppendAllTextAsync(relay.AuthorizedKeysFile, $"{answerB["relay"]!["authorizedKeysLine"]}\n", ct);
        await using (var agentB = StartAgent(work, answerB, keyB, echo.Port, knownHosts))
        {
            await WaitForDetectorAsync(api, b, v => v.Provider?.State == "running", agentB, ct);
            Assert.Equal("now B", await TcpEcho.RoundTripAsync("127.0.0.1", port, "now B", ct));
        }

        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task AuthorizedKeysLine_IsTheLineInstallShAddKeyWrites()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var root = Directory.CreateTempSubdirectory("fleet-relay-root-").FullName;
        var key = await SshRelay.CreateKeyAsync(root, "pi-7", cts.Token);
        await InstallAsync(root, cts.Token, "setup", "--user", Environment.UserName);

        await InstallAsync(root, cts.Token, "add-key", "--detector", "pi-7", "--port", "20007", "--key", key.PrivateKeyFile + ".pub");

        var written = (await File.ReadAllLinesAsync(Path.Combine(root, "etc", "ssh", "fleet-relay", "authorized_keys"), cts.Token)).Last(l => l.EndsWith(" fleet:pi-7", StringComparison.Ordinal));
        var relay = new Fleet.Api.Relays.RelayDefinition { Name = "edge", Host = "relay.example.org" };
        var handout = Fleet.Api.Relays.RelayHandout.For(relay, "pi-7", 20007, Fleet.Api.Relays.SshPublicKey.Parse(key.PublicKey, out _));
        Assert.Equal(written, handout.AuthorizedKeysLine);
        Directory.Delete(root, recursive: true);
    }

    private static async Task InstallAsync(string root, CancellationToken ct, params string[] arguments)
    {
        var installer = Path.Combine(RepositoryPaths.Root, "infra", "relay", "install.sh");
        var (exitCode, output, error) = await ChildProcess.RunAsync("env", [$"FLEET_ROOT={root}", "bash", installer, .. arguments], TimeSpan.FromMinutes(1), ct: ct);
        Assert.True(exitCode == 0, $"install.sh {string.Join(' ', arguments)} exited with {exitCode}: {output} {error}");
    }

    private static async Task<JsonObject?> ProvisionAsync(HttpClient admin, string id, SshKey key, HttpStatusCode expected, CancellationToken ct)
    {
        using var response = await admin.PostAsJsonAsync($"/detectors/{id}/credentials", new { relay = "loop", sshPublicKey = key.PublicKey }, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == expected, $"provisioning {id}: {(int)response.StatusCode} {text}");
        return expected == HttpStatusCode.Created ? JsonNode.Parse(text)!.AsObject() : null;
    }

    /// <summary>The answer's agentConfig as the Pi's agent.json, plus what stays the Pi's own: key, local port, folders.</summary>
    private static AgentProcess StartAgent(string work, JsonObject answer, SshKey key, int localPort, string knownHosts)
    {
        var id = (string)answer["detectorId"]!;
        var home = Directory.CreateDirectory(Path.Combine(work, id)).FullName;
        var passwordFile = Path.Combine(home, "mqtt-password");
        File.WriteAllText(passwordFile, (string)answer["password"]!);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var agent = answer["agentConfig"]!["Agent"]!.DeepClone().AsObject();
        agent["StateDirectory"] = Path.Combine(home, "state");
        agent["LogDirectory"] = Path.Combine(home, "log");
        agent["Mqtt"]!["PasswordFile"] = passwordFile;
        agent["Mqtt"]!["ReconnectMinDelay"] = "00:00:00.200";
        agent["Mqtt"]!["ReconnectMaxDelay"] = "00:00:02";
        var ssh = agent["ReverseSsh"]!;
        ssh["LocalPort"] = localPort;
        ssh["Proto"] = "tcp";
        ssh["IdentityFile"] = key.PrivateKeyFile;
        ssh["KnownHostsFile"] = knownHosts;
        ssh["RestartMinDelay"] = "00:00:00.200";
        ssh["RestartMaxDelay"] = "00:00:01";
        ssh["ProbeMinDelay"] = "00:00:00.100";
        ssh["ProbeMaxDelay"] = "00:00:00.500";

        // An agent never publishes a loopback URL: what visitors would use is named here; the agent still dials Relay.
        ssh["PublicUrl"] = PublicUrl((int)ssh["RemotePort"]!);
        var process = new AgentProcess(home, agent);
        process.Start();
        return process;
    }

    private static async Task<DetectorView> WaitForDetectorAsync(FleetApiFactory api, string id, Func<DetectorView, bool> condition, AgentProcess agent, CancellationToken ct)
    {
        using var reader = api.CreateReader();
        try
        {
            return await WaitAsync(reader, id, condition, ct);
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}{Environment.NewLine}agent output:{Environment.NewLine}{agent.Output}", timeout);
        }
    }

    private static async Task<DetectorView> WaitAsync(HttpClient reader, string id, Func<DetectorView, bool> condition, CancellationToken ct) =>
        (await Eventually.GetAsync(
            async () =>
            {
                using var response = await reader.GetAsync($"/detectors/{id}", ct);
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<DetectorView>(ct) : null;
            },
            view => view is not null && condition(view),
            $"{id} forwards through the relay",
            TimeSpan.FromSeconds(60)))!;

    private static string PublicUrl(int port) => $"tcp://relay.example.net:{port.ToString(CultureInfo.InvariantCulture)}";

    private static string[] SshArguments(SshRelay relay, SshKey key, string knownHosts, int remotePort, int localPort) =>
    [
        "-N", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-o", "IdentitiesOnly=yes",
        "-o", $"UserKnownHostsFile={knownHosts}", "-o", "StrictHostKeyChecking=yes", "-i", key.PrivateKeyFile,
        "-p", relay.Port.ToString(CultureInfo.InvariantCulture),
        "-R", $"{relay.Host}:{remotePort.ToString(CultureInfo.InvariantCulture)}:127.0.0.1:{localPort.ToString(CultureInfo.InvariantCulture)}",
        $"{relay.User}@{relay.Host}",
    ];
}
