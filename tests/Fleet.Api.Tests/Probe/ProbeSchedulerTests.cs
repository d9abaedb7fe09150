using Fleet.Api.Ingest;
using Fleet.Api.Reachability;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Probe;

/// <summary>
/// The probe inside the real API on PostgreSQL: every round probes each online detector's URL, never an offline
/// one's. Rounds of 2 s; the detectors' names resolve to a loopback endpoint through Probe:Resolve.
/// </summary>
public sealed class ProbeSchedulerTests : IAsyncLifetime
{
    private readonly InMemoryProbeSink _sink = new();
    private LoopbackEndpoint _endpoint = null!;
    private WebApplicationFactory<Program> _api = null!;

    private ProbeScheduler Scheduler => _api.Services.GetRequiredService<ProbeScheduler>();

    public async Task InitializeAsync()
    {
        _endpoint = LoopbackEndpoint.Answer(200, "detector page");
        var port = _endpoint.Port;
        var connectionString = await MigratedDatabase.CreateAsync("probe");
        var settings = new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?>
            {
                ["Probe:Enabled"] = "true",
                ["Probe:Interval"] = "00:00:02",
                ["Probe:Timeout"] = "00:00:01",
                ["Probe:AllowedNetworks:0"] = "127.0.0.0/8",
                ["Probe:Resolve:0"] = $"on.probe.test:{port}:127.0.0.1",
                ["Probe:Resolve:1"] = $"off.probe.test:{port}:127.0.0.1",
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
    public async Task Round_OnlineAndOfflineDetectors_ProbesEachOnlineUrlAndNoOfflineOne()
    {
        var online = Messages.NewId("on");
        var offline = Messages.NewId("off");
        var onlineUrl = $"http://on.probe.test:{_endpoint.Port}/";
        await WriteAsync(w => w.ApplyStateAsync(online, Messages.State(online, 1, 0, onlineUrl), CancellationToken.None));
        await WriteAsync(w => w.ApplyStateAsync(offline, Messages.State(offline, 1, 0, $"http://off.probe.test:{_endpoint.Port}/"), CancellationToken.None));
        await WriteAsync(w => w.ApplyStatusAsync(offline, Messages.Status(Presence.Offline, 1), CancellationToken.None));

        // Every round that ends as the second after now started after the writes; clear, then watch a full round more.
        await WaitRoundsAsync(2);
        _sink.Clear();
        await WaitRoundsAsync(2);

        var results = _sink.Results.ToArray();
        // Two rounds ended since the clear: at least one ran whole, and each round probes the URL once.
        var probed = results.Where(r => r.DetectorId == online).ToArray();
        Assert.InRange(probed.Length, 1, 3);
        Assert.All(probed, p =>
        {
            Assert.Equal(("web", onlineUrl), (p.Tunnel, p.Url));
            Assert.Equal(CheckOutcomes.Ok, p.Check.Outcome);
            Assert.Equal(200, p.Check.HttpStatus);
        });
        Assert.DoesNotContain(results, r => r.DetectorId == offline);
    }

    private async Task WaitRoundsAsync(int more)
    {
        var target = Scheduler.Rounds + more;
        await Eventually.TrueAsync(() => Task.FromResult(Scheduler.Rounds >= target), $"{more} more probe rounds");
    }

    private async Task WriteAsync(Func<IngestWriter, Task<IngestOutcome>> write)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        await write(scope.ServiceProvider.GetRequiredService<IngestWriter>());
    }
}
