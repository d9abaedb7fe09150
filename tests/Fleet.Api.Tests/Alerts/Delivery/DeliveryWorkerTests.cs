using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>The outbox delivered: once, with backoff, to the dead-letter list, around an open circuit, after a lease.</summary>
public sealed class DeliveryWorkerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Enqueued_ReceiverAccepts_DeliveredOnceToEachDestinationWithOneAttempt(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Start);
        var sender = new ScriptedSender();
        await using var harness = await DeliveryHarness.CreateAsync(provider, clock, sender);
        var ops = await harness.AddDestinationAsync("ops");
        var oncall = await harness.AddDestinationAsync("on-call");
        var notice = Notices.New();

        await harness.EnqueueAsync(notice, ops, oncall);
        var started = await harness.PassAsync();
        var again = await harness.PassAsync();

        Assert.Equal((2, 0), (started, again));
        Assert.Equal([ops, oncall], sender.Calls.Select(c => c.Destination.Id).Order());
        Assert.All(sender.Calls, c => Assert.Equal(notice, c.Notice with { DetectorIds = notice.DetectorIds }));
        Assert.All(sender.Calls, c => Assert.StartsWith(DestinationSecrets.WebhookSecretPrefix, c.Destination.Secret, StringComparison.Ordinal));
        var deliveries = await harness.DeliveriesAsync();
        Assert.All(deliveries, d =>
        {
            Assert.Equal((DeliveryStatuses.Delivered, 1, (DateTimeOffset?)Start), (d.Status, d.Attempts, d.FinishedAt));
            var attempt = Assert.Single(d.AttemptHistory);
            Assert.Equal(("delivered", (int?)200, (string?)null, Start), (attempt.Outcome, attempt.Status, attempt.Error, attempt.At));
        });
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task ReceiverFailingThreeTimes_ThenAccepting_DeliveredWithFourAttemptsAfterGrowingJitteredWaits(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Start);
        var sender = new ScriptedSender().Then(
            DeliveryResult.Retry("503 from receiver", 503), DeliveryResult.Retry("timeout"), DeliveryResult.Retry("503 from receiver", 503));
        var options = new AlertDeliveryOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromMinutes(1), CircuitFailures = 100 };
        // The jitter's random draw is scripted: each wait is half its ceiling, so the test knows them exactly.
        await using var harness = await DeliveryHarness.CreateAsync(provider, clock, sender, options, random: () => 0.5);
        await harness.EnqueueAsync(Notices.New(), await harness.AddDestinationAsync());
        var waits = new List<TimeSpan>();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Equal(1, await harness.PassAsync());
            var delivery = Assert.Single(await harness.DeliveriesAsync());
            if (delivery.Status != DeliveryStatuses.Pending)
            {
                break;
            }

            var wait = delivery.NextAttemptAt - clock.GetUtcNow();
            waits.Add(wait);
            clock.Advance(wait - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, await harness.PassAsync());
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], waits);
        var done = Assert.Single(await harness.DeliveriesAsync());
        Assert.Equal((DeliveryStatuses.Delivered, 4), (done.Status, done.Attempts));
        Assert.Equal(["retry", "retry", "retry", "delivered"], done.AttemptHistory.OrderBy(a => a.Id).Select(a => a.Outcome));
        Assert.Equal([503, null, 503, 200], done.AttemptHistory.OrderBy(a => a.Id).Select(a => a.Status));
        Assert.Equal(4, sender.Calls.Count);
    }

    [Fact]
    public async Task PermanentRefusal_GoesDeadAtOnce_AndRetryableFailuresGoDeadWhenAttemptsRunOut()
    {
        var clock = new FakeTimeProvider(Start);
        var sender = new ScriptedSender().Then(DeliveryResult.Permanent("410 gone", 410));
        sender.Otherwise = DeliveryResult.Retry("503", 503);
        var options = new AlertDeliveryOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1), MaxAttempts = 2, CircuitFailures = 100 };
        await using var harness = await DeliveryHarness.CreateAsync(DatabaseProvider.Postgres, clock, sender, options, random: () => 1);
        var destination = await harness.AddDestinationAsync();
        await harness.EnqueueAsync(Notices.New(), destination);
        await harness.PassAsync();
        await harness.EnqueueAsync(Notices.New(), destination);

        await harness.PassAsync();
        clock.Advance(TimeSpan.FromSeconds(1));
        await harness.PassAsync();

        var deliveries = await harness.DeliveriesAsync();
        Assert.Equal((DeliveryStatuses.Dead, 1, "410 gone"), (deliveries[0].Status, deliveries[0].Attempts, deliveries[0].LastError));
        Assert.Equal((DeliveryStatuses.Dead, 2, "gave up after 2 attempts: 503"), (deliveries[1].Status, deliveries[1].Attempts, deliveries[1].LastError));
    }

    [Fact]
    public async Task DestinationDeletedAfterEnqueue_DeliveryGoesDeadSayingSo()
    {
        var sender = new ScriptedSender();
        await using var harness = await DeliveryHarness.CreateAsync(DatabaseProvider.Sqlite, new FakeTimeProvider(Start), sender);
        await harness.EnqueueAsync(Notices.New(), 424242);

        await harness.PassAsync();

        var delivery = Assert.Single(await harness.DeliveriesAsync());
        Assert.Equal((DeliveryStatuses.Dead, "destination 424242 no longer exists"), (delivery.Status, delivery.LastError));
        Assert.Empty(sender.Calls);
    }

    [Fact]
    public async Task CircuitOpensAfterThreeFailures_NoAttemptsWhileOpen_ProbeAfterCoolDownDeliversEverythingWaiting()
    {
        var clock = new FakeTimeProvider(Start);
        var sender = new ScriptedSender { Otherwise = DeliveryResult.Retry("503", 503) };
        var options = new AlertDeliveryOptions
        {
            BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1), CircuitFailures = 3, CircuitCoolDown = TimeSpan.FromMinutes(1),
        };
        await using var harness = await DeliveryHarness.CreateAsync(DatabaseProvider.Postgres, clock, sender, options, random: () => 1);
        var destination = await harness.AddDestinationAsync();
        await harness.EnqueueAsync(Notices.New(), destination);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1, await harness.PassAsync());
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Open: neither the due retry nor a new notice is attempted, and nothing counts as an attempt.
        await harness.EnqueueAsync(Notices.New(), destination);
        for (var second = 0; second < 30; second++)
        {
            Assert.Equal(0, await harness.PassAsync());
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, sender.Calls.Count);
        Assert.Equal([3, 0], (await harness.DeliveriesAsync()).Select(d => d.Attempts));

        sender.Otherwise = DeliveryResult.Delivered(200);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await harness.PassAsync()); // the half-open probe, alone
        Assert.Equal(1, await harness.PassAsync());

        var deliveries = await harness.DeliveriesAsync();
        Assert.All(deliveries, d => Assert.Equal(DeliveryStatuses.Delivered, d.Status));
        Assert.Equal([4, 1], deliveries.Select(d => d.Attempts));
        Assert.Equal(5, sender.Calls.Count);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task ClaimedByAnInstanceThatDied_IsLeftAloneUntilTheLeaseEnds_ThenDeliveredByAnother(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Start);
        var sender = new ScriptedSender();
        var options = new AlertDeliveryOptions { LeaseTimeout = TimeSpan.FromMinutes(2) };
        await using var survivor = await DeliveryHarness.CreateAsync(provider, clock, sender, options);
        await using var dead = await DeliveryHarness.CreateAsync(provider, clock, sender, options, sameDatabaseAs: survivor);
        await survivor.EnqueueAsync(Notices.New(), await survivor.AddDestinationAsync());
        // The instance that dies claimed it and never got to send.
        var claimed = await dead.WithDbAsync(db => DeliveryClaims.ClaimAsync(
            db, dead.Services.GetRequiredService<ISqlDialect>(), dead.Dispatcher.Owner, clock.GetUtcNow(), options.LeaseTimeout, 10, [], CancellationToken.None));
        Assert.Single(claimed);

        var whileLeased = await survivor.PassAsync();
        clock.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromMilliseconds(1));
        var justBefore = await survivor.PassAsync();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await survivor.PassAsync();

        Assert.Equal((0, 0, 1), (whileLeased, justBefore, after));
        Assert.Single(sender.Calls);
        Assert.Equal(DeliveryStatuses.Delivered, Assert.Single(await survivor.DeliveriesAsync()).Status);
    }
}
