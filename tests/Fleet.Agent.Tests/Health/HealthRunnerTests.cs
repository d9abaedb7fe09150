using System.Threading.Channels;
using Fleet.Agent.Configuration;
using Fleet.Agent.Health;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Agent.Tests.Health;

/// <summary>The health loop with a real check script and a fake clock: a check that starts failing is seen within one interval.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HealthRunnerTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly Scripts _scripts = new();
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromSeconds(60));

    public void Dispose()
    {
        _bound.Dispose();
        _scripts.Dispose();
    }

    [Fact]
    public async Task Check_CommandStartsFailing_HealthFailWithinOneIntervalAndBack()
    {
        var mode = _scripts.Path("mode");
        File.WriteAllText(mode, "0");
        var script = _scripts.Write("daq", $"""
            code=$(cat {mode})
            [ "$code" = 0 ] && echo "OK acquisition running" || echo "FAIL acquisition stopped"
            exit $code
            """);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 20, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new AgentOptions
        {
            StateDirectory = _scripts.Dir,
            Health = new HealthSettings
            {
                FactsInterval = TimeSpan.FromDays(1),
                Checks = [new HealthCheckSettings { Name = "daq", Command = [script], Interval = Interval, Timeout = TimeSpan.FromSeconds(10) }],
            },
        });
        var store = new HealthStore();
        var changes = 0;
        store.Changed += () => Interlocked.Increment(ref changes);
        using var checker = new HealthChecker(clock);
        using var runner = new HealthRunner(options, checker, store, clock, NullLogger<HealthRunner>.Instance);
        var waits = Channel.CreateUnbounded<TimeSpan>();
        runner.Scheduled += (name, delay) =>
        {
            if (name == "daq")
            {
                waits.Writer.TryWrite(delay);
            }
        };
        await runner.StartAsync(_bound.Token);
        try
        {
            var first = await waits.Reader.ReadAsync(_bound.Token);
            var healthy = store.Current!;

            File.WriteAllText(mode, "2");
            clock.Advance(first);
            var second = await waits.Reader.ReadAsync(_bound.Token);
            var failing = store.Current!;

            File.WriteAllText(mode, "0");
            clock.Advance(second);
            await waits.Reader.ReadAsync(_bound.Token);
            var recovered = store.Current!;

            Assert.True(first <= Interval && second <= Interval, "each run comes within one interval of the previous");
            Assert.Equal((HealthOutcomes.Ok, "acquisition running"), (healthy.Status, healthy.Checks.Single().Text));
            Assert.Equal((HealthOutcomes.Fail, "acquisition stopped"), (failing.Status, failing.Checks.Single().Text));
            Assert.Equal(HealthOutcomes.Ok, recovered.Status);
            Assert.Equal(3, Volatile.Read(ref changes));
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Facts_ReadOnThisMachine_UptimeMemoryAndDiskPresentMissingOnesLeftOut()
    {
        var clock = new FakeTimeProvider();
        var options = Options.Create(new AgentOptions { StateDirectory = Path.Combine(_scripts.Dir, "not-yet") });
        var store = new HealthStore();
        using var checker = new HealthChecker(clock);
        using var runner = new HealthRunner(options, checker, store, clock, NullLogger<HealthRunner>.Instance);
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        runner.Scheduled += (name, _) => read.TrySetResult();
        await runner.StartAsync(_bound.Token);
        await read.Task.WaitAsync(_bound.Token);
        await runner.StopAsync(CancellationToken.None);

        var health = store.Current!;

        Assert.Equal(HealthOutcomes.Ok, health.Status);
        Assert.Empty(health.Checks);
        Assert.NotNull(health.Facts);
        Assert.True(health.Facts.UptimeSeconds > 0);
        Assert.True(health.Facts.MemoryAvailableBytes > 0);
        Assert.True(health.Facts.DiskFreeBytes > 0);
        Assert.Equal(3, health.Facts.Load!.Count);
        Assert.Null(health.Facts.PublicIp);
    }
}
