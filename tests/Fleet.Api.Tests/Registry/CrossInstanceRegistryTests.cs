using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Fleet.Api.Registry;
using Fleet.Domain.Topics;
using Fleet.Testing.Mosquitto;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Fleet.Api.Tests.Registry;

/// <summary>
/// Two API instances on one PostgreSQL database: B ingests through MQTT (detectors publish to its broker) and takes
/// the operators' writes, reading the database; A only serves reads, from its in-memory registry, which hears of B's
/// commits by notification. After every write A answers exactly what the database holds (body and ETag); how long
/// that took is written to the output (the bound itself is measured by benchmarks/run.sh, not asserted here).
/// </summary>
public sealed class CrossInstanceRegistryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FleetApiFactory _writer = null!;
    private FleetApiFactory _reader = null!;

    public async Task InitializeAsync()
    {
        var database = await MigratedDatabase.CreateAsync("registry_x");
        _writer = await FleetApiFactory.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?> { ["Detectors:ReadFrom"] = "Database" },
        });
        _reader = await FleetApiFactory.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?> { ["Detectors:ReadFrom"] = "Memory" },
        });
    }

    public async Task DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _writer.DisposeAsync();
    }

    [Fact]
    public async Task WritesOnOneInstance_ThroughMqttPatchAndDelete_TheOtherAnswersTheSameAfterEach()
    {
        var random = new Random(7);
        var prefix = Messages.NewId("xi");
        var ids = Enumerable.Range(0, 4).Select(i => $"{prefix}-{i}").ToList();
        var broker = _writer.Settings.Broker;
        var detectors = new List<MqttTestClient>();
        foreach (var id in ids)
        {
            detectors.Add(await MqttTestClient.ConnectAsync(broker.Host, broker.Port, id, await _writer.ProvisionEmbeddedDetectorAsync(id)));
        }

        using var admin = _writer.CreateAdmin();
        using var truth = _writer.CreateReader();
        using var memory = _reader.CreateReader();
        var seqs = new long[ids.Count];
        var lags = new List<double>();
        try
        {
            for (var step = 0; step < 40; step++)
            {
                var i = random.Next(ids.Count);
                var id = ids[i];
                string expected;
                if (step % 7 == 6)
                {
                    expected = $"Roof {step}";
                    using var patch = await admin.PatchAsJsonAsync($"/detectors/{id}", new { name = expected });
                    patch.EnsureSuccessStatusCode();
                }
                else
                {
                    expected = $"https://{id}-{step}.ngrok-free.app";
                    await detectors[i].PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, ++seqs[i], expected)));
                }

                // B has committed when its database read shows the write; from then on A must answer the same.
                var committed = await Eventually.GetAsync(() => ReadAsync(truth, id), r => r.Body.Contains(expected, StringComparison.Ordinal), $"B commits step {step}");
                var since = Stopwatch.GetTimestamp();
                await Eventually.GetAsync(() => ReadAsync(memory, id), r => r == committed, $"A answers B's step {step} from memory");
                lags.Add(Stopwatch.GetElapsedTime(since).TotalMilliseconds);
            }

            // A decommission on B: gone on A too, and the whole list agrees.
            using (var delete = await admin.DeleteAsync($"/detectors/{ids[0]}"))
            {
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            }

            await Eventually.TrueAsync(async () => (await memory.GetAsync($"/detectors/{ids[0]}")).StatusCode == HttpStatusCode.NotFound, "A forgets the decommissioned detector");
            var list = $"/detectors?q={prefix}";
            var truthList = (await ReadAsync(truth, list, conditionalTag: false)).Body;
            await Eventually.GetAsync(() => ReadAsync(memory, list, conditionalTag: false), r => r.Body == truthList, "A's list equals B's");
        }
        finally
        {
            foreach (var detector in detectors)
            {
                await detector.DisposeAsync();
            }
        }

        Assert.NotNull(_reader.Services.GetRequiredService<DetectorRegistry>().Current);
        lags.Sort();
        output.WriteLine($"A caught up after B's commit (polling from the moment B showed it): median {lags[lags.Count / 2]:0.0} ms, max {lags[^1]:0.0} ms over {lags.Count} writes");
    }

    private static async Task<(string Body, string? Tag)> ReadAsync(HttpClient http, string idOrPath, bool conditionalTag = true)
    {
        using var response = await http.GetAsync(idOrPath.StartsWith('/') ? idOrPath : $"/detectors/{idOrPath}");
        return (await response.Content.ReadAsStringAsync(), conditionalTag ? response.Headers.ETag?.Tag : null);
    }
}
