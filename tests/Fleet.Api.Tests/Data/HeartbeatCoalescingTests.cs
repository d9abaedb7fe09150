using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Api.Testing.Data;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Fleet.Api.Tests.Data;

/// <summary>
/// A state whose tunnels equal the stored ones (by the fingerprint stored on the detector, read in the same
/// transaction) applies without writing the tunnels table; any tunnel field that changes does write it.
/// PostgreSQL's xmin shows whether a row was rewritten.
/// </summary>
public sealed class HeartbeatCoalescingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Heartbeat_WithSameTunnelsInAnotherOrder_LeavesTunnelRowsUntouched_ChangedStartedAtRewritesThem()
    {
        await using var harness = await WriterHarness.CreateAsync(DatabaseProvider.Postgres);
        var id = Messages.NewId("hb");
        var startedAt = DateTimeOffset.Parse("2026-11-28T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        StateMessage With(long seq, IReadOnlyList<TunnelReport> tunnels) => Messages.State(id, 1, seq) with { Tunnels = tunnels };
        var web = new TunnelReport { Name = "web", Url = "https://a.ngrok-free.app", Proto = "https", StartedAt = startedAt };
        var ssh = new TunnelReport { Name = "ssh", Url = "tcp://0.tcp.eu.ngrok.io:1", Proto = "tcp", StartedAt = startedAt };

        await harness.ApplyBatchAsync([IngestWrite.Of(id, With(0, [web, ssh]))]);
        var before = await VersionsAsync(harness, id);

        var heartbeats = await harness.ApplyBatchAsync([IngestWrite.Of(id, With(1, [ssh, web])), IngestWrite.Of(id, With(2, [web, ssh]))]);
        var afterHeartbeats = await VersionsAsync(harness, id);
        var stored = await harness.FindAsync(id);
        output.WriteLine($"injected: 2 heartbeats with unchanged tunnels (one reordered); observed tunnel row versions {before} -> {afterHeartbeats}, seq {stored!.Seq}, events {string.Join(",", heartbeats.SelectMany(h => h.Events).Select(e => e.Type))}");

        Assert.All(heartbeats, h => Assert.True(h.Applied));
        Assert.Empty(heartbeats.SelectMany(h => h.Events));
        Assert.Equal(2, stored.Seq);
        Assert.Equal(before, afterHeartbeats);

        var restarted = await harness.ApplyStateAsync(With(3, [web with { StartedAt = startedAt.AddMinutes(5) }, ssh]));
        var afterRestart = await VersionsAsync(harness, id);
        output.WriteLine($"injected: web tunnel restarted (startedAt +5 min, same URL); observed versions {afterHeartbeats} -> {afterRestart}");

        Assert.True(restarted.Applied);
        Assert.Empty(restarted.Events);
        Assert.NotEqual(afterHeartbeats, afterRestart);
        stored = await harness.FindAsync(id);
        Assert.Equal(startedAt.AddMinutes(5), stored!.Tunnels.Single(t => t.Name == "web").StartedAt);
    }

    private static Task<string> VersionsAsync(WriterHarness harness, string id) =>
        harness.WithDbAsync(async db => string.Join(",", await db.Database
            .SqlQuery<string>($"SELECT name || ':' || xmin::text AS \"Value\" FROM tunnels WHERE detector_id = {id} ORDER BY name")
            .ToListAsync()));
}
