using System.Text.Json;

namespace Fleet.Api.SystemTests.Provisioning;

/// <summary><c>dotnet fleet-api.dll detectors …</c> as a real process against a real PostgreSQL database.</summary>
public sealed class ProvisioningCliTests : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private string _connectionString = null!;
    private string _workingDirectory = null!;

    public async Task InitializeAsync()
    {
        var postgres = await PostgresServer.GetAsync();
        _connectionString = await postgres.CreateDatabaseAsync("provisioning_cli");
        _workingDirectory = Directory.CreateTempSubdirectory("fleet-cli-").FullName;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_workingDirectory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Provision_PrintsAPasswordThatTheEmbeddedBrokerAccepts_RevokeEndsIt()
    {
        var id = Messages.NewId("cli");

        var (exit, stdout, stderr) = await RunAsync("detectors", "provision", id, "--Provisioning:BrokerHost=fleet.example.org");

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var body = JsonDocument.Parse(stdout).RootElement;
        var password = body.GetProperty("password").GetString()!;
        Assert.Equal("fleet.example.org", body.GetProperty("agentConfig").GetProperty("Agent").GetProperty("Mqtt").GetProperty("Host").GetString());
        Assert.DoesNotContain(password, stderr, StringComparison.Ordinal);

        var broker = BrokerSettings.ForEmbedded();
        await using (var api = new FleetApiFactory(new FleetApiSettings(_connectionString, broker)))
        {
            _ = api.Server;
            await using var detector = await MqttTestClient.ConnectAsync(broker.Host, broker.Port, id, password, clientId: id);
            Assert.True(detector.Client.IsConnected);
        }

        Assert.Equal(0, (await RunAsync("detectors", "revoke", id)).ExitCode);
        Assert.Equal(1, (await RunAsync("detectors", "revoke", id)).ExitCode);
        var again = BrokerSettings.ForEmbedded();
        await using (var api = new FleetApiFactory(new FleetApiSettings(_connectionString, again)))
        {
            _ = api.Server;
            await Assert.ThrowsAsync<InvalidOperationException>(() => MqttTestClient.ConnectAsync(again.Host, again.Port, id, password));
        }
    }

    [Theory]
    [InlineData("api-9", "reserved")]
    [InlineData("Pi_9", "not a valid detector id")]
    public async Task Provision_RefusedId_Exits2WithTheReason(string id, string reason)
    {
        var (exit, stdout, stderr) = await RunAsync("detectors", "provision", id);

        Assert.Equal(2, exit);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout.Trim());
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] command) =>
        await ChildProcess.RunAsync(
            "dotnet",
            [RepositoryPaths.ApiAssembly, .. command, "--Database:Provider=Postgres", $"--ConnectionStrings:Fleet={_connectionString}"],
            CommandTimeout,
            _workingDirectory);
}
