using Fleet.Api.Data;
using Fleet.Api.PresenceSweep;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.PresenceSweep;

/// <summary>The heartbeat timeout on a fake clock, on PostgreSQL (heartbeat 60 s, 3 missed heartbeats).</summary>
public sealed class PresenceSweeperTests : IAsyncLifetime
{
    private readonly JumpingClock _clock = new();
    private FleetApiFactory _api = null!;

    private PresenceSweeper Sweeper => _api.Services.GetRequiredService<PresenceSweeper>();

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("presence");
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()) { Clock = _clock });
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Sweep_SilentForTwoMinutes_StaysOnline()
    {
        var id = Messages.NewId("p");
        await _api.WriteStateAsync(Messages.State(id, 1, 0));

        _clock.Advance(TimeSpan.FromMinutes(2));
        await Sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.Equal("online", (await _api.FindDetectorAsync(id))!.Status);
        Assert.Empty(await LostEventsAsync(id));
    }

    [Fact]
    public async Task Sweep_SilentForMoreThanThreeHeartbeats_MarksLostWithEvent()
    {
        var id = Messages.NewId("p");
        await _api.WriteStateAsync(Messages.State(id, 1, 0));

        _clock.Advance(TimeSpan.FromMinutes(2));
        await Sweeper.SweepOnceAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(61));
        await Sweeper.SweepOnceAsync(CancellationToken.None);

        var detector = (await _api.FindDetectorAsync(id))!;
        Assert.Equal("lost", detector.Status);
        Assert.Equal(_clock.GetUtcNow(), detector.StatusSince);
        var lost = Assert.Single(await LostEventsAsync(id));
        Assert.Equal("""{"reason":"heartbeat-timeout"}""", lost.Data);
    }

    [Fact]
    public async Task Sweep_WhileTheIngestIsBehind_BlamesNoDetector_AndCountsSilenceFromWhenItCaughtUp()
    {
        var id = Messages.NewId("p");
        var queue = _api.Services.GetRequiredService<Fleet.Api.Ingest.IngestQueue>();
        await _api.WriteStateAsync(Messages.State(id, 1, 0));
        _clock.Advance(TimeSpan.FromMinutes(2));
        await Sweeper.SweepOnceAsync(CancellationToken.None);

        // A reconnect storm: the writer takes full batches, the broker holds the rest, this detector's heartbeat may be there.
        queue.Took(queue.Capacity);
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Empty(await Sweeper.SweepOnceAsync(CancellationToken.None));

        queue.Took(0);
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Empty(await Sweeper.SweepOnceAsync(CancellationToken.None));
        Assert.Equal("online", (await _api.FindDetectorAsync(id))!.Status);

        // The timer's own sweep may run on this advance too: whichever sweeps, the detector is lost now.
        _clock.Advance(TimeSpan.FromSeconds(120));
        await Sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Equal("lost", (await _api.FindDetectorAsync(id))!.Status);
        Assert.Single(await LostEventsAsync(id));
    }

    [Fact]
    public async Task Sweep_DetectorHeardRecently_StaysOnline_WhileSilentOneIsLost()
    {
        var silent = Messages.NewId("p");
        var chatty = Messages.NewId("p");
        await _api.WriteStateAsync(Messages.State(silent, 1, 0));
        await _api.WriteStateAsync(Messages.State(chatty, 1, 0));

        _clock.Advance(TimeSpan.FromMinutes(2));
        await _api.WriteStateAsync(Messages.State(chatty, 1, 1));
        _clock.Advance(TimeSpan.FromSeconds(90));
        await Sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.Equal("lost", (await _api.FindDetectorAsync(silent))!.Status);
        Assert.Equal("online", (await _api.FindDetectorAsync(chatty))!.Status);
        Assert.Empty(await LostEventsAsync(chatty));
    }

    [Fact]
    public async Task Sweep_AfterWallClockJump_MarksNothingLost_UntilSilentOnTheNewClock()
    {
        var id = Messages.NewId("p");
        await _api.WriteStateAsync(Messages.State(id, 1, 0));
        await Sweeper.SweepOnceAsync(CancellationToken.None);

        _clock.Jump = TimeSpan.FromHours(1);
        var first = await Sweeper.SweepOnceAsync(CancellationToken.None);
        var second = await Sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.Empty(first);
        Assert.Empty(second);
        Assert.Equal("online", (await _api.FindDetectorAsync(id))!.Status);

        // Still silent for three heartbeats on the new clock: now it really is lost.
        _clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        await Sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Equal("lost", (await _api.FindDetectorAsync(id))!.Status);
        Assert.Single(await LostEventsAsync(id));
    }

    private Task<List<EventRecord>> LostEventsAsync(string id) =>
        _api.WithDbAsync(db => db.Events.AsNoTracking().Where(e => e.DetectorId == id && e.Type == EventTypes.Lost).ToListAsync());
}
