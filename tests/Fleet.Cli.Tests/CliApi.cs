using System.Net.Http.Json;
using Fleet.Domain.Messages;

namespace Fleet.Cli.Tests;

/// <summary>
/// The real API in this process on a Kestrel port of its own (the CLI is another process), on a SQLite file with the
/// embedded broker, and an operator's config home logged in with the reader key.
/// </summary>
public sealed class CliApi : IAsyncDisposable
{
    private readonly string file;

    private CliApi(FleetApiFactory api, Uri endpoint, string file, FleetCli cli)
    {
        Api = api;
        Endpoint = endpoint;
        this.file = file;
        Cli = cli;
    }

    public FleetApiFactory Api { get; }

    public Uri Endpoint { get; }

    public FleetCli Cli { get; }

    /// <summary>Tunnel hosts in these tests: a name that never resolves (RFC 6761 .test); ssh and the proxy are told its address.</summary>
    public const string RelayHost = "relay.fleet.test";

    public static async Task<CliApi> StartAsync(CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fleet-cli-{Guid.NewGuid():N}.db");
        var port = FreePort.Next();
        var api = new FleetApiFactory(new FleetApiSettings($"Data Source={file}", BrokerSettings.ForEmbedded()) { Provider = "Sqlite" });
        api.UseKestrel(port);
        api.StartServer();
        await Eventually.TrueAsync(() => Task.FromResult(api.MqttConnected), "the API connected to its broker");
        var endpoint = new Uri($"http://127.0.0.1:{port}");
        var cli = FleetCli.InNewHome();
        await cli.LoginAsync(endpoint, TestKeys.Reader, ct);
        return new CliApi(api, endpoint, file, cli);
    }

    /// <summary>A detector online with these tunnels (name, url), written through the API's own ingest writer.</summary>
    public async Task PublishAsync(string id, long seq, params (string Name, string Url)[] tunnels)
    {
        var state = Messages.State(id, 1, seq) with
        {
            Tunnels = [.. tunnels.Select(t => new TunnelReport { Name = t.Name, Url = t.Url, Proto = Messages.ProtoOf(t.Url), Upstream = "localhost:22" })],
        };
        Assert.True((await Api.WriteStateAsync(state)).Applied, $"the state of {id} (seq {seq}) was not applied");
    }

    public async Task TagAsync(string id, CancellationToken ct, params string[] tags)
    {
        using var admin = Api.CreateAdmin();
        using var response = await admin.PatchAsJsonAsync($"/detectors/{id}", new { tags }, ct);
        Assert.True(response.IsSuccessStatusCode, $"PATCH {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        Directory.Delete(Cli.ConfigHome, recursive: true);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var leftover in Directory.GetFiles(Path.GetDirectoryName(file)!, Path.GetFileName(file) + "*"))
        {
            try
            {
                File.Delete(leftover);
            }
            catch (IOException)
            {
                // A temp file left behind is harmless.
            }
        }
    }
}
