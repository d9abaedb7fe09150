
namespace Fleet.Api.Tests.Detectors;

/// <summary>The reachability views and filter on PostgreSQL.</summary>
public sealed class ReachabilityViewsOnPostgresTests : ReachabilityViewTests
{
    protected override async Task<FleetApiSettings> CreateSettingsAsync()
    {
        var postgres = await PostgresServer.GetAsync();
        return new FleetApiSettings(await postgres.CreateDatabaseAsync("reach"), BrokerSettings.ForEmbedded());
    }
}
