using System.Buffers;
using System.Text;
using Fleet.Api.Data;
using Fleet.Api.Testing.Data;
using Fleet.Domain.Messages;
using Fleet.Domain.Validation;

namespace Fleet.Api.Tests.Health;

/// <summary>The ingest keeps the newest health section and records its status changes as events, on both providers.</summary>
public sealed class HealthIngestTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task State_HealthTurnsFailAndBack_StoredWithAHealthChangedEventEachWay(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var id = Messages.NewId("hi");

        var first = await harness.ApplyStateAsync(HealthStates.State(id, 0, HealthStates.Report(("daq", HealthOutcomes.Ok, "running"))));
        var failing = await harness.ApplyStateAsync(HealthStates.State(id, 1, HealthStates.Report(("daq", HealthOutcomes.Fail, "not running"))));
        var stored = (await harness.FindAsync(id))!;
        var heartbeat = await harness.ApplyStateAsync(HealthStates.State(id, 2, HealthStates.Report(("daq", HealthOutcomes.Fail, "still not running"))));
        var back = await harness.ApplyStateAsync(HealthStates.State(id, 3, HealthStates.Report(("daq", HealthOutcomes.Ok, "running"))));

        Assert.DoesNotContain(first.Events, e => e.Type == EventTypes.HealthChanged);
        Assert.Equal(HealthOutcomes.Fail, stored.HealthStatus);
        Assert.Contains("not running", stored.Health, StringComparison.Ordinal);
        var failed = Assert.Single(failing.Events, e => e.Type == EventTypes.HealthChanged);
        Assert.Equal("""{"from":"ok","to":"fail","failing":[{"name":"daq","outcome":"fail","text":"not running"}]}""", failed.Data!.ToJsonString());
        Assert.DoesNotContain(heartbeat.Events, e => e.Type == EventTypes.HealthChanged);
        var recovered = Assert.Single(back.Events, e => e.Type == EventTypes.HealthChanged);
        Assert.Equal("""{"from":"fail","to":"ok","failing":[]}""", recovered.Data!.ToJsonString());
        Assert.Equal(HealthOutcomes.Ok, (await harness.FindAsync(id))!.HealthStatus);
        Assert.Equal(2, (await harness.EventTypesAsync(id)).Count(t => t == EventTypes.HealthChanged));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task State_OfAnOlderAgentWithoutHealth_IngestsWithNoHealthAndNoEvent(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var id = Messages.NewId("ho");
        // The wire form of a state from before health: no such key at all.
        var json = Messages.Json(Messages.State(id, 1, 0));
        Assert.DoesNotContain("health", json, StringComparison.OrdinalIgnoreCase);
        var parsed = PayloadParser.ParseState(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), id, UrlPolicy.AnyNetwork);
        Assert.Null(parsed.Error);

        var outcome = await harness.ApplyStateAsync(parsed.Value!);

        Assert.True(outcome.Applied);
        Assert.DoesNotContain(outcome.Events, e => e.Type == EventTypes.HealthChanged);
        var row = (await harness.FindAsync(id))!;
        Assert.Equal(((string?)null, (string?)null), (row.HealthStatus, row.Health));
    }
}
