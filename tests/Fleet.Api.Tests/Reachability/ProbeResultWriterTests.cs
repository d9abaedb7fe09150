using Fleet.Api.Testing.Data;
using Fleet.Api.Data;
using Fleet.Api.Reachability;
using Fleet.Api.Tests.Data;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Reachability;

/// <summary>The API probe's results stored: only changes, only for the URL the tunnel still has, with the summary and its event.</summary>
public sealed class ProbeResultWriterTests
{
    private const string Url = "https://web1.ngrok-free.app";

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task ChangedResult_IsWrittenWithTheSummaryAndAnEvent_TheSameResultAgainWritesNothing(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var clock = new FakeTimeProvider(Checks.At);
        harness.Clock = clock;
        var id = Messages.NewId("pw");
        await harness.ApplyStateAsync(Checks.State(id, 0, Checks.Web(Checks.Ok()), Checks.Api(null)));
        var sink = new RecordingSink();
        var writer = harness.NewProbeWriter(sink);
        var offline = Checks.Failing(CheckOutcomes.EndpointOffline, "ERR_NGROK_3200", 404) with { CheckedAt = clock.GetUtcNow() };

        await writer.WriteAsync([new(id, "web", Url, offline)], CancellationToken.None);
        var first = (await harness.FindAsync(id))!;
        clock.Advance(TimeSpan.FromMinutes(1));
        await writer.WriteAsync([new(id, "web", Url, offline with { LatencyMs = 77, CheckedAt = clock.GetUtcNow() })], CancellationToken.None);
        var second = (await harness.FindAsync(id))!;

        var web = first.Tunnels.Single(t => t.Name == "web");
        Assert.Equal((CheckOutcomes.EndpointOffline, "ERR_NGROK_3200", (int?)404, (int?)30, (DateTimeOffset?)Checks.At), (web.ProbeOutcome, web.ProbeCode, web.ProbeHttpStatus, web.ProbeLatencyMs, web.ProbeAt));
        Assert.Equal(ReachabilityStates.Unreachable, first.Reachability);
        var (detector, events) = Assert.Single(sink.Published);
        Assert.Equal(id, detector);
        Assert.Equal(
            """{"from":"reachable","failing":[{"tunnel":"web","outcome":"endpoint-offline","code":"ERR_NGROK_3200","source":"probe"}]}""",
            Assert.Single(events, e => e.Type == EventTypes.Unreachable).Data!.ToJsonString());
        Assert.Equal(EventTypes.Unreachable, (await harness.EventTypesAsync(id))[^1]);

        Assert.Equal(first.Version, second.Version);
        Assert.Equal((int?)30, second.Tunnels.Single(t => t.Name == "web").ProbeLatencyMs);
    }

    [Fact]
    public async Task UnchangedBatch_WhileTheIngestHoldsTheDetector_IsDoneWithoutWaitingForItsLock()
    {
        await using var harness = await WriterHarness.CreateAsync(DatabaseProvider.Postgres);
        var id = Messages.NewId("pu");
        await harness.ApplyStateAsync(Checks.State(id, 0, Checks.Web(Checks.Ok())));
        var writer = harness.NewProbeWriter(new RecordingSink());
        var offline = Checks.Failing(CheckOutcomes.EndpointOffline, "ERR_NGROK_3200", 404) with { CheckedAt = Checks.At };
        await writer.WriteAsync([new(id, "web", Url, offline)], CancellationToken.None);

        // The row locked as the ingest's writer locks it, for as long as the same result is stored again: a writer that
        // locked an unchanged batch would wait here until the test's bound fails it.
        var unchanged = await harness.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlAsync($"SELECT id FROM detectors WHERE id = {id} FOR UPDATE");
            var stored = await writer.ApplyAsync([new(id, "web", Url, offline with { LatencyMs = 5 })], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            await transaction.RollbackAsync();
            return stored;
        });

        Assert.Empty(unchanged);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task ResultForAnOldUrlOrAGoneTunnel_IsDropped(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var id = Messages.NewId("ps");
        await harness.ApplyStateAsync(Checks.State(id, 0, Checks.Web(Checks.Ok(), "https://web2.ngrok-free.app")));
        var before = (await harness.FindAsync(id))!;
        var sink = new RecordingSink();

        await harness.NewProbeWriter(sink).WriteAsync(
        [
            new(id, "web", Url, Checks.Failing(CheckOutcomes.EndpointOffline, "ERR_NGROK_3200")),
            new(id, "gone", "https://gone.ngrok-free.app", Checks.Failing(CheckOutcomes.Timeout)),
            new("pi-never-seen", "web", Url, Checks.Failing(CheckOutcomes.Timeout)),
        ], CancellationToken.None);

        var after = (await harness.FindAsync(id))!;
        Assert.Null(after.Tunnels.Single().ProbeOutcome);
        Assert.Equal((before.Version, ReachabilityStates.Reachable), (after.Version, after.Reachability));
        Assert.Empty(sink.Published);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task ChangeOfADetectorNotOnline_IsStoredWithoutAnEvent(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var id = Messages.NewId("pl");
        await harness.ApplyStateAsync(Checks.State(id, 0, Checks.Web(Checks.Ok())));
        await harness.ApplyBatchAsync([Fleet.Api.Ingest.IngestWrite.Of(id, Messages.Status(Presence.Lost, 1))]);
        var sink = new RecordingSink();

        await harness.NewProbeWriter(sink).WriteAsync([new(id, "web", Url, Checks.Failing(CheckOutcomes.Timeout))], CancellationToken.None);

        Assert.Equal(ReachabilityStates.Unreachable, (await harness.FindAsync(id))!.Reachability);
        Assert.Empty(Assert.Single(sink.Published).Events);
        Assert.DoesNotContain(EventTypes.Unreachable, await harness.EventTypesAsync(id));
    }
}
