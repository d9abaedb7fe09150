using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>
/// A destination changed over REST on one instance starts with a closed circuit on every instance: the failures of the
/// old URL say nothing about the new one, so nobody waits out the cool-down.
/// </summary>
public sealed class DestinationCircuitResetTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task DestinationUpdatedOnInstanceA_CircuitOpenOnInstanceB_BDeliversAtItsNextPass()
    {
        var clock = new FakeTimeProvider(Start);
        var sender = new ScriptedSender { Otherwise = DeliveryResult.Retry("503", 503) };
        var options = new AlertDeliveryOptions
        {
            BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1), CircuitFailures = 1, CircuitCoolDown = TimeSpan.FromHours(1),
        };
        await using var a = await DeliveryHarness.CreateAsync(DatabaseProvider.Postgres, clock, sender, options);
        await using var b = await DeliveryHarness.CreateAsync(DatabaseProvider.Postgres, clock, sender, options, sameDatabaseAs: a);
        var destination = await a.AddDestinationAsync();
        await a.EnqueueAsync(Notices.New(), destination);
        Assert.Equal(1, await b.PassAsync());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, await b.PassAsync());
        Assert.True(b.Services.GetRequiredService<DestinationCircuits>().IsOpen(destination));

        sender.Otherwise = DeliveryResult.Delivered(200);
        var updated = await UpdateAsync(a, destination, new DestinationUpdate { Url = "https://hooks.example.com/fixed" });
        var passed = await b.PassAsync();

        Assert.Equal("https://hooks.example.com/fixed", updated.Url);
        Assert.Equal(1, passed);
        Assert.False(b.Services.GetRequiredService<DestinationCircuits>().IsOpen(destination));
        var delivery = Assert.Single(await b.DeliveriesAsync());
        Assert.Equal((DeliveryStatuses.Delivered, 2), (delivery.Status, delivery.Attempts));
        Assert.Equal("https://hooks.example.com/fixed", sender.Calls[^1].Destination.Url?.AbsoluteUri);
    }

    /// <summary>What PATCH /alerts/destinations/{id} runs, with instance <paramref name="instance"/>'s services.</summary>
    private static async Task<DestinationView> UpdateAsync(DeliveryHarness instance, long id, DestinationUpdate update)
    {
        await using var scope = instance.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var result = await DestinationUpdateEndpoint.UpdateAsync(
            id, update, new Microsoft.AspNetCore.Http.DefaultHttpContext(), 
            new Fleet.Api.Audit.AuditLog(services.GetRequiredService<TimeProvider>(), Options.Create(new Fleet.Api.Audit.AuditOptions()),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<Fleet.Api.Audit.AuditLog>.Instance),
            services.GetRequiredService<FleetDbContext>(), services.GetRequiredService<DestinationSecrets>(),
            services.GetRequiredService<DestinationCircuits>(), services.GetRequiredService<DeliverySignal>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptions<AlertDeliveryOptions>>(), CancellationToken.None);
        return Assert.IsType<Ok<DestinationView>>(result.Result).Value!;
    }
}
