using Fleet.Api.Tests.Infrastructure;

namespace Fleet.Api.Tests.Support;

/// <summary>One API on its own PostgreSQL database (embedded broker) shared by the REST tests of a class.</summary>
public sealed class RestApiFixture : IAsyncLifetime
{
    public FleetApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var postgres = await PostgresServer.GetAsync();
        var connectionString = await postgres.CreateDatabaseAsync("rest");
        Api = new FleetApiFactory(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()));
        _ = Api.Server;
        await Eventually.TrueAsync(() => Task.FromResult(Api.MqttConnected), "the API connected to its broker");
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();
}
