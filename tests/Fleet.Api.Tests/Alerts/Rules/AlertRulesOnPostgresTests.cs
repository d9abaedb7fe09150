namespace Fleet.Api.Tests.Alerts.Rules;

/// <summary>The alert scenarios on PostgreSQL.</summary>
public sealed class AlertRulesOnPostgresTests : AlertRulesTests
{
    private string? _connectionString;

    // One database per test, kept across the restarts within it.
    protected override async Task<FleetApiSettings> CreateSettingsAsync() =>
        new(_connectionString ??= await (await PostgresServer.GetAsync()).CreateDatabaseAsync("alerts"), BrokerSettings.ForEmbedded());
}
