using Fleet.Api.Testing.Data;
using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Api.Tests.Data;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Reachability;

/// <summary>
/// The ingest stores the agent's checks (tunnels[].check) and keeps the detector's reachability summary and its
/// events, on both providers.
/// </summary>
public sealed class ReachabilityIngestTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task State_WithChecks_StoresThemAndTheSummaryWithAnEvent(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var clock = new FakeTimeProvider(Checks.At.AddMinutes(1));
        harness.Clock = clock;
        var id = Messages.NewId("rc");

        var outcome = await harness.ApplyStateAsync(Checks.State(id, 0, Checks.Web(Checks.Ok()), Checks.Api(null)));

        var row = (await harness.FindAsync(id))!;
        var web = row.Tunnels.Single(t => t.Name == "web");
        Assert.Equal((CheckOutcomes.Ok, (string?)null, (int?)200, (int?)84, (DateTimeOffset?)Checks.At), (web.CheckOutcome, web.CheckCode, web.CheckHttpStatus, web.CheckLatencyMs, web.CheckAt));
        Assert.Null(row.Tunnels.Single(t => t.Name == "api").CheckOutcome);
        Assert.Equal((ReachabilityStates.Reachable, (DateTimeOffset?)clock.GetUtcNow()), (row.Reachability, row.ReachabilitySince));
        var reachable = Assert.Single(outcome.Events, e => e.Type == EventTypes.Reachable);
        Assert.Equal("""{"from":"unknown","failing":[]}""", reachable.Data!.ToJsonString());
        Assert.Contains(EventTypes.Reachable, await harness.EventTypesAsync(id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Heartbeat_SameResultsWithNewLatency_WritesNoTunnelAndKeepsTheCheckThatSetTheOutcome(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var clock = new FakeTimeProvider(Checks.At);
        harness.Clock = clock;
        var id = Messages.NewId("rh");
        await harness.ApplyStateAsync(Checks.State(id, 0, Checks.Web(Checks.Ok(84))));
        var before = (await harness.FindAsync(id))!;
        clock.Advance(TimeSpan.FromMinutes(1));

        var heartbeat = await harness.ApplyStateAsync(Checks.State(id, 1, Checks.Web(Checks.Ok(99) with { CheckedAt = Checks.At.AddMinutes(1) })));

        var after = (await harness.FindAsync(id))!;
        Assert.True(heartbeat.Applied);
        Assert.Empty(heartbeat.Events);
        Assert.Equal(before.TunnelsHash, after.TunnelsHash);
        Assert.Equal((84, Checks.At), (after.Tunnels.Single().CheckLatencyMs, after.Tunnels.Single().CheckAt));
        Assert.Equal(before.ReachabilitySince, after.ReachabilitySince);
        Assert.Equal(1, after.Seq);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Checks_OneFailsThenBothThenNone_DegradedUnreachableReachable_EachAnEventNamingTheFailingTunnels(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var id = Messages.NewId("rs");
        var upstreamDown = Checks.Failing(CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", 502);
        await harness.ApplyStateAsync(Checks.State(id, 0, Checks.Web(Checks.Ok()), Checks.Api(Checks.Ok())));

        var degraded = await harness.ApplyStateAsync(Checks.State(id, 1, Checks.Web(upstreamDown), Checks.Api(Checks.Ok())));
        Assert.Equal(ReachabilityStates.Degraded, (await harness.FindAsync(id))!.Reachability);
        var unreachable = await harness.ApplyStateAsync(Checks.State(id, 2, Checks.Web(upstreamDown), Checks.Api(Checks.Failing(CheckOutcomes.Timeout))));
        Assert.Equal(ReachabilityStates.Unreachable, (await harness.FindAsync(id))!.Reachability);
        var back = await harness.ApplyStateAsync(Checks.State(id, 3, Checks.Web(Checks.Ok()), Checks.Api(Checks.Ok())));

        Assert.Equal(ReachabilityStates.Reachable, (await harness.FindAsync(id))!.Reachability);
        Assert.Equal(
            """{"from":"reachable","failing":[{"tunnel":"web","outcome":"upstream-down","code":"ERR_NGROK_8012","source":"agent"}]}""",
            Assert.Single(degraded.Events, e => e.Type == EventTypes.Degraded).Data!.ToJsonString());
        Assert.Equal(
            """{"from":"degraded","failing":[{"tunnel":"api","outcome":"timeout","code":null,"source":"agent"},{"tunnel":"web","outcome":"upstream-down","code":"ERR_NGROK_8012","source":"agent"}]}""",
            Assert.Single(unreachable.Events, e => e.Type == EventTypes.Unreachable).Data!.ToJsonString());
        Assert.Equal("""{"from":"unreachable","failing":[]}""", Assert.Single(back.Events, e => e.Type == EventTypes.Reachable).Data!.ToJsonString());
        Assert.Equal(
            [EventTypes.Registered, EventTypes.TunnelAdded, EventTypes.TunnelAdded, EventTypes.Reachable, EventTypes.Degraded, EventTypes.Unreachable, EventTypes.Reachable],
            await harness.EventTypesAsync(id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task OlderAgent_WithoutChecks_StoresNoCheckAndStaysUnknownWithoutEvents(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var id = Messages.NewId("ro");

        await harness.ApplyStateAsync(Checks.State(id, 0, Checks.Web(null)));
        var moved = await harness.ApplyStateAsync(Checks.State(id, 1, Checks.Web(null, "https://web2.ngrok-free.app")));

        var row = (await harness.FindAsync(id))!;
        Assert.Equal((ReachabilityStates.Unknown, (DateTimeOffset?)null), (row.Reachability, row.ReachabilitySince));
        Assert.Null(row.Tunnels.Single().CheckOutcome);
        Assert.Equal([EventTypes.UrlChanged], moved.Events.Select(e => e.Type));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task UrlChange_ClearsTheProbeOfTheOldUrl_AndTheSummaryFollows(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var id = Messages.NewId("ru");
        await harness.ApplyStateAsync(Checks.State(id, 0, Checks.Web(Checks.Ok())));
        var offline = Checks.Failing(CheckOutcomes.EndpointOffline, "ERR_NGROK_3200", 404);
        await harness.NewProbeWriter(new RecordingSink()).ApplyAsync([new(id, "web", "https://web1.ngrok-free.app", offline)], CancellationToken.None);
        Assert.Equal(ReachabilityStates.Unreachable, (await harness.FindAsync(id))!.Reachability);

        var moved = await harness.ApplyStateAsync(Checks.State(id, 1, Checks.Web(Checks.Ok(), "https://web2.ngrok-free.app")));

        var web = (await harness.FindAsync(id))!.Tunnels.Single();
        Assert.Equal((null, null, null, null, null), (web.ProbeOutcome, web.ProbeCode, web.ProbeHttpStatus, web.ProbeLatencyMs, web.ProbeAt));
        Assert.Equal(CheckOutcomes.Ok, web.CheckOutcome);
        Assert.Equal([EventTypes.UrlChanged, EventTypes.Reachable], moved.Events.Select(e => e.Type));
        Assert.Equal(ReachabilityStates.Reachable, (await harness.FindAsync(id))!.Reachability);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task CheckOnlyChanges_SpendNoTunnelChangeBudget_UrlChangesDo(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var id = Messages.NewId("rb");
        var budget = new ChangeBudget(Options.Create(new IngestOptions { ChangesPerDetectorPerMinute = 1, ChangeBurst = 1 }), harness.Clock);
        await harness.ApplyBatchAsync([IngestWrite.Of(id, Checks.State(id, 0, Checks.Web(Checks.Ok())))], budget: budget);

        var flips = await harness.ApplyBatchAsync(
        [
            IngestWrite.Of(id, Checks.State(id, 1, Checks.Web(Checks.Failing(CheckOutcomes.Timeout)))),
            IngestWrite.Of(id, Checks.State(id, 2, Checks.Web(Checks.Ok()))),
        ], budget: budget);
        var flipsCoalesced = harness.LastCoalesced;
        await harness.ApplyBatchAsync([IngestWrite.Of(id, Checks.State(id, 3, Checks.Web(Checks.Ok(), "https://web2.ngrok-free.app")))], budget: budget);

        Assert.Equal([[EventTypes.Unreachable], [EventTypes.Reachable]], flips.Select(f => f.Events.Select(e => e.Type).ToArray()));
        Assert.Equal(0, flipsCoalesced);
        Assert.Equal(1, harness.LastCoalesced);
    }
}
