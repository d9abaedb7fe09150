
namespace Fleet.Api.Tests.Detectors;

/// <summary>The reachability views and filter on PostgreSQL.</summary>
public sealed class ReachabilityViewsOnPostgresTests : ReachabilityViewTests
{
    protected override async Task<FleetApiSettings> CreateSettingsAsync()
    {
        return new FleetApiSettings(await MigratedDatabase.CreateAsync("reach"), BrokerSettings.ForEmbedded());
    }
}
