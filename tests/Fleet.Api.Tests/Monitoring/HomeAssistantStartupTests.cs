using Fleet.Api.Monitoring.HomeAssistant;
using Fleet.Domain.Topics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Fleet.Api.Tests.Monitoring.HomeAssistantApi;

namespace Fleet.Api.Tests.Monitoring;

/// <summary>Discovery off publishes nothing (and keeps the monitor out of the prefix); turned on, the start publishes every detector.</summary>
public sealed class HomeAssistantStartupTests
{
    [Fact]
    public async Task Discovery_Disabled_PublishesNothing_ThenEnabled_PublishesExistingDetectorsAtStart()
    {
        var connectionString = await MigratedDatabase.CreateAsync("hastart");
        string first, second;
        await using (var disabled = await StartAsync(connectionString, enabled: false))
        {
            first = await disabled.RegisterAsync("hs");
            second = await disabled.RegisterAsync("hs");
            await Eventually.TrueAsync(
                () => disabled.Api.WithDbAsync(db => db.RetainedMessages.AnyAsync(r => r.Topic == FleetTopics.Registry(second))),
                "the registry views are retained");

            Assert.Equal(0, disabled.Api.Services.GetRequiredService<HomeAssistantDiscovery>().PublishedTotal);
            Assert.False(await disabled.Api.WithDbAsync(db => db.RetainedMessages.AnyAsync(r => r.Topic.StartsWith(Prefix + "/"))));
            await using var monitor = await disabled.ConnectMonitorAsync();
            await Assert.ThrowsAsync<InvalidOperationException>(() => monitor.SubscribeAsync(Prefix + "/#"));
        }

        await using var enabled = await StartAsync(connectionString, enabled: true);
        await using var homeAssistant = await enabled.ConnectMonitorAsync();
        await homeAssistant.SubscribeAsync(Prefix + "/#");

        Assert.Equal(3, (await ConfigsAsync(homeAssistant, first)).Count);
        Assert.Equal(3, (await ConfigsAsync(homeAssistant, second)).Count);
        var sweep = enabled.Api.Services.GetRequiredService<HomeAssistantSweep>();
        await Eventually.TrueAsync(() => Task.FromResult(sweep.Completed), "the start-up sweep finished");
    }
}
