
namespace Fleet.Api.Tests.Ingest;

/// <summary>The re-flash scenarios on PostgreSQL.</summary>
public sealed class ReflashOnPostgresTests : ReflashTests
{
    protected override async Task<FleetApiSettings> CreateSettingsAsync() =>
        new(await MigratedDatabase.CreateAsync("reflash"), BrokerSettings.ForEmbedded());
}
