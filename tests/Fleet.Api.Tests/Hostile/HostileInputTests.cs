using System.Net;
using Fleet.Domain.Topics;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Tests.Hostile;

/// <summary>
/// Each hostile input, published through the real broker by a real detector identity: the API keeps serving,
/// nothing stored changes, the refusal is counted (or the broker refuses it), and the next valid state is applied.
/// </summary>
public sealed class HostileInputTests(HostileFixture fixture) : IClassFixture<HostileFixture>
{
    private sealed record Snapshot(string Status, long? StatusEpoch, long? Epoch, long? Seq, string? ProviderState, string Tunnels, int Detectors);

    private sealed record Counters(long Rejected, long Ignored, long Stale, long Applied);

    public static TheoryData<string> Cases => HostileCorpus.Names;

    [Fact]
    public void Corpus_HasAtLeastFortyDistinctCases() =>
        Assert.True(HostileCorpus.All.Select(c => c.Name).Distinct().Count() >= 40, $"{HostileCorpus.All.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileInput_IsRefusedAndCounted_NothingChanges_AndTheNextValidStateIsApplied(string name)
    {
        var hostile = HostileCorpus.Get(name);
        var api = fixture.Api;
        var id = fixture.DetectorId;
        var before = await SnapshotAsync();
        var counted = CountersNow();
        var context = new HostileContext(id, before.Epoch!.Value, before.Seq!.Value);

        var result = await fixture.PublishAsync(fixture.TopicFor(hostile), hostile.Payload(context), hostile.Retain);

        if (hostile.Expect == HostileExpectation.BrokerRefused)
        {
            Assert.False(result.IsSuccess, $"Mosquitto accepted the publish on {fixture.TopicFor(hostile)} ({result.ReasonCode})");
        }
        else
        {
            Assert.True(result.IsSuccess, $"PUBACK {result.ReasonCode}: the detector's own topic must be accepted by the broker");
            await Eventually.TrueAsync(() => Task.FromResult(Moved(hostile.Expect, counted, CountersNow())), $"{name}: the {hostile.Expect} counter moves");
        }

        using (var http = api.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        }

        Assert.Equal(before, await SnapshotAsync());
        var after = CountersNow();
        Assert.Equal(counted.Applied, after.Applied);
        if (hostile.Expect != HostileExpectation.Rejected)
        {
            Assert.Equal(counted.Rejected, after.Rejected);
        }

        // The ingest is not stuck: a valid state right after is applied.
        var next = Messages.State(id, context.Epoch, context.Seq + 1, $"https://after-{name}.ngrok-free.app");
        var valid = await (await fixture.DetectorAsync()).PublishAsync(FleetTopics.State(id), Messages.Json(next));
        Assert.True(valid.IsSuccess, $"valid PUBACK {valid.ReasonCode}");
        await Eventually.TrueAsync(async () => (await api.FindDetectorAsync(id))?.Seq == context.Seq + 1, $"{name}: the next valid state is applied");
        var stored = await api.FindDetectorAsync(id);
        Assert.Equal($"https://after-{name}.ngrok-free.app", Assert.Single(stored!.Tunnels).Url);
    }

    private static bool Moved(HostileExpectation expect, Counters before, Counters now) => expect switch
    {
        HostileExpectation.Rejected => now.Rejected == before.Rejected + 1,
        HostileExpectation.Ignored => now.Ignored == before.Ignored + 1,
        HostileExpectation.Stale => now.Stale == before.Stale + 1,
        _ => false,
    };

    private Counters CountersNow()
    {
        var metrics = fixture.Api.Metrics;
        return new(metrics.RejectedTotal, metrics.IgnoredTotal, metrics.StaleTotal, metrics.AppliedTotal);
    }

    private async Task<Snapshot> SnapshotAsync()
    {
        var stored = await fixture.Api.FindDetectorAsync(fixture.DetectorId) ?? throw new InvalidOperationException("the detector is gone");
        var count = await fixture.Api.WithDbAsync(db => db.Detectors.CountAsync());
        var tunnels = string.Join(";", stored.Tunnels.OrderBy(t => t.Name).Select(t => $"{t.Name}={t.Url}|{t.Proto}|{t.Upstream}"));
        return new(stored.Status, stored.StatusEpoch, stored.Epoch, stored.Seq, stored.ProviderState, tunnels, count);
    }
}
