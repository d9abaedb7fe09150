namespace Fleet.Api.Tests.Detectors;

/// <summary>The failover fields, filters and events on PostgreSQL.</summary>
public sealed class ProviderFailoverOnPostgresTests : ProviderFailoverTests
{
    protected override async Task<FleetApiSettings> CreateSettingsAsync() =>
        new(await MigratedDatabase.CreateAsync("failover"), BrokerSettings.ForEmbedded());
}
