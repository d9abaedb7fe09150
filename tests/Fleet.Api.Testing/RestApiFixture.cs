namespace Fleet.Api.Testing;

/// <summary>One API on its own PostgreSQL database (embedded broker) shared by the REST tests of a class.</summary>
public sealed class RestApiFixture : IAsyncLifetime
{
    public FleetApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("rest");
        Api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()));
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();
}
