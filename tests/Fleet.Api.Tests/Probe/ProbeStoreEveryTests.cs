using Fleet.Api.Ingest;
using Fleet.Api.Reachability;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Probe;

/// <summary>
/// Probe:StoreEvery: the results of probes that finish apart are stored together, one batch per window, not one
/// transaction per probe (each of which would lock rows the ingest writes).
/// </summary>
public sealed class ProbeStoreEveryTests : IAsyncLifetime
{
    private const int Detectors = 4;

    private readonly InMemoryProbeSink _sink = new();
    private LoopbackEndpoint _endpoint = null!;
    private WebApplicationFactory<Program> _api = null!;

    public async Task InitializeAsync()
    {
        _endpoint = LoopbackEndpoint.Answer(200, "detector page");
        var connectionString = await MigratedDatabase.CreateAsync("probestore");
        var settings = new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded())
        {
            // A round spreads its 4 probes over 2 s (interval minus timeout), 0.5 s apart; the window is longer.
            Extra = new Dictionary<string, string?>
            {
                ["Probe:Enabled"] = "true",
                ["Probe:Interval"] = "00:00:03",
                ["Probe:Timeout"] = "00:00:01",
                ["Probe:Jitter"] = "0",
                ["Probe:StoreEvery"] = "00:00:05",
                ["Probe:AllowedNetworks:0"] = "127.0.0.0/8",
                ["Probe:Resolve:0"] = $"*.store.test:{_endpoint.Port}:127.0.0.1",
            },
        };
        _api = new FleetApiFactory(settings).WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IProbeResultSink>(_sink)));
        _ = _api.Server;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    [Fact]
    public async Task Results_ProbesFinishingApartWithinTheWindow_AreStoredAsOneBatch()
    {
        await using (var scope = _api.Services.CreateAsyncScope())
        {
            var writer = scope.ServiceProvider.GetRequiredService<IngestWriter>();
            for (var i = 0; i < Detectors; i++)
            {
                var id = Messages.NewId("store");
                await writer.ApplyStateAsync(id, Messages.State(id, 1, 0, $"http://{id}.store.test:{_endpoint.Port}/"), CancellationToken.None);
            }
        }

        // The first batch that holds results of ours: with a window longer than a round's spread, it holds all four.
        await Eventually.TrueAsync(() => Task.FromResult(_sink.Results.Count(r => r.DetectorId.StartsWith("store", StringComparison.Ordinal)) >= Detectors),
            "the four detectors probed and their results stored");
        Assert.Contains(_sink.Batches, size => size >= Detectors);
    }
}
