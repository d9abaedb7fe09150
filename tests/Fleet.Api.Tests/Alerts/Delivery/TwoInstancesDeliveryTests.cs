using System.Diagnostics;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Data;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>Two API instances (two service providers) on one PostgreSQL outbox share the work without sending one delivery twice.</summary>
public sealed class TwoInstancesDeliveryTests
{
    private const int Notices = 40;

    [Fact]
    public async Task TwoDispatchersClaimingAtOnce_EachDeliveryIsSentOnce_NeverTwiceConcurrently()
    {
        var sender = new ScriptedSender { Latency = TimeSpan.FromMilliseconds(20) };
        var options = new AlertDeliveryOptions { MaxConcurrency = 6, MaxPerDestination = 3 };
        await using var first = await DeliveryHarness.CreateAsync(DatabaseProvider.Postgres, TimeProvider.System, sender, options);
        await using var second = await DeliveryHarness.CreateAsync(DatabaseProvider.Postgres, TimeProvider.System, sender, options, sameDatabaseAs: first);
        var destinations = new[] { await first.AddDestinationAsync("a"), await first.AddDestinationAsync("b"), await first.AddDestinationAsync("c") };
        for (var i = 0; i < Notices; i++)
        {
            await first.EnqueueAsync(Tests.Alerts.Delivery.Notices.New($"pi-{i}"), destinations[i % destinations.Length]);
        }

        var deadline = Stopwatch.StartNew();
        var counts = await Task.WhenAll(DriveAsync(first, sender, deadline), DriveAsync(second, sender, deadline));

        Assert.Equal(0, sender.Overlaps);
        Assert.Equal(Notices, sender.Calls.Count);
        Assert.Equal(Notices, sender.Calls.Select(c => c.Notice.Id).Distinct().Count());
        Assert.Equal(Notices, counts.Sum());
        var deliveries = await first.DeliveriesAsync();
        Assert.All(deliveries, d => Assert.Equal((DeliveryStatuses.Delivered, 1, 1), (d.Status, d.Attempts, d.AttemptHistory.Count)));
    }

    /// <summary>Passes of one instance until every notice was sent once (bounded: a failing test ends, it does not hang).</summary>
    private static async Task<int> DriveAsync(DeliveryHarness harness, ScriptedSender sender, Stopwatch deadline)
    {
        var started = 0;
        while (sender.Calls.Count < Notices && deadline.Elapsed < Eventually.DefaultTimeout)
        {
            var now = await harness.Dispatcher.DispatchDueAsync(CancellationToken.None);
            started += now;
            if (now == 0)
            {
                await Task.Delay(5);
            }
        }

        await harness.Dispatcher.WhenIdleAsync();
        return started;
    }
}
