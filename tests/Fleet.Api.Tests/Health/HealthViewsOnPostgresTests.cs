namespace Fleet.Api.Tests.Health;

/// <summary>The health views and filter on PostgreSQL.</summary>
public sealed class HealthViewsOnPostgresTests : HealthViewTests
{
    protected override async Task<FleetApiSettings> CreateSettingsAsync() =>
        new FleetApiSettings(await MigratedDatabase.CreateAsync("health"), BrokerSettings.ForEmbedded());
}
