using System.Diagnostics;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Api.SystemTests.Metrics;
using Fleet.Domain.Topics;
using Npgsql;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 7: poison messages (payloads that are invalid, and a valid one the database itself refuses) each
/// followed by valid states. The ingest must drop, count and acknowledge the poison and keep going: every valid state
/// after it is shown, and the API process stays up.
/// </summary>
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class PoisonMessageFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Valid by the contract, refused by a CHECK constraint the test adds: what a constraint or trigger added by a
    // later migration (or an operator) does to a message the parser accepted.
    private const string RefusedHostname = "refused-by-the-database";

    private FaultStack _stack = null!;

    public async Task InitializeAsync() => _stack = await FaultStack.StartAsync("fault_poison");

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task PoisonMessages_FollowedByValidOnes_TheStreamNeverStalls()
    {
        var api = await _stack.StartApiAsync();
        await using (var db = new NpgsqlConnection(_stack.ConnectionString))
        {
            await db.OpenAsync();
            await using var check = new NpgsqlCommand($"ALTER TABLE detectors ADD CONSTRAINT fault_test_refuses CHECK (agent_hostname IS DISTINCT FROM '{RefusedHostname}')", db);
            await check.ExecuteNonQueryAsync();
        }

        var accepted = new AcceptedStates();
        await using var detectors = await FaultDetectors.CreateAsync(_stack.Broker, accepted, "p", 3);
        var poisons = new (string Name, Func<string, long, string> Payload)[]
        {
            ("not JSON", (_, _) => "{\"schema\":1,"),
            ("JSON of the wrong shape", (_, _) => "{\"schema\":1,\"epoch\":\"one\"}"),
            ("unknown schema", (id, seq) => Messages.Json(Messages.State(id, 1, seq)).Replace("\"schema\":1", "\"schema\":99", StringComparison.Ordinal)),
            ("javascript: URL", (id, seq) => Messages.Json(Messages.State(id, 1, seq, "javascript:alert(1)"))),
            ("valid, refused by the database", (id, seq) => Messages.Json(Messages.State(id, 1, seq) with { Agent = new() { Hostname = RefusedHostname } })),
        };

        var clock = Stopwatch.StartNew();
        long seq = 0;
        foreach (var (name, payload) in poisons)
        {
            foreach (var id in detectors.Ids)
            {
                var poison = await detectors.Client(id).PublishAsync(FleetTopics.State(id), payload(id, seq + 1), retain: false);
                Assert.True(poison.IsSuccess, $"the broker took the poison ({name}): {poison.ReasonCode}");
            }

            // The poison used seq + 1; the valid state after it uses seq + 2, so a refused poison leaves a visible gap.
            seq += 2;
            await detectors.PublishRoundsAsync(epoch: 1, fromSeq: seq, toSeq: seq);
        }

        output.WriteLine($"[injected] {poisons.Length} kinds of poison x {detectors.Ids.Count} detectors ({string.Join(", ", poisons.Select(p => p.Name))}), each followed by a valid state, in {clock.Elapsed.TotalSeconds:0.00} s");

        using var reader = api.CreateReader();
        var took = await accepted.ConvergedAsync(reader, TimeSpan.FromSeconds(15), output);
        var metrics = await api.MetricsAsync();
        var rejected = metrics.Named("fleet_ingest_rejected_total").Where(s => s.Value > 0).Select(s => $"{s.Labels.GetValueOrDefault("reason")}={s.Value}");
        output.WriteLine($"[observed] every valid state after the poison shown {took.TotalSeconds:0.0} s after the last publish; rejected: {string.Join(", ", rejected)}; API still running: {!api.HasExited}");
        Assert.False(api.HasExited);
        Assert.Equal(detectors.Ids.Count, metrics.Sum("fleet_ingest_rejected_total", ("reason", "store-refused")));
        Assert.Equal(detectors.Ids.Count * poisons.Length, metrics.Sum("fleet_ingest_rejected_total"));
    }
}
