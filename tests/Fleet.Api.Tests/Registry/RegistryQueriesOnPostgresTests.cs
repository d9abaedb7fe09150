using Xunit.Abstractions;

namespace Fleet.Api.Tests.Registry;

public sealed class RegistryQueriesOnPostgresTests(ITestOutputHelper output) : RegistryQueryTests(output)
{
    protected override async Task<FleetApiSettings> CreateSettingsAsync() =>
        new(await MigratedDatabase.CreateAsync("registry_q"), BrokerSettings.ForEmbedded()) { Extra = RegistryQueryTests.Memory };
}
