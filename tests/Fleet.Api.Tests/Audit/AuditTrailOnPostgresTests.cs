namespace Fleet.Api.Tests.Audit;

/// <summary>The audit trail on PostgreSQL.</summary>
public sealed class AuditTrailOnPostgresTests : AuditTrailTests
{
    protected override async Task<FleetApiSettings> CreateSettingsAsync() =>
        new FleetApiSettings(await MigratedDatabase.CreateAsync("audit"), BrokerSettings.ForEmbedded());
}
