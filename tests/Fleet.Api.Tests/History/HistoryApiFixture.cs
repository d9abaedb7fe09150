using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.History;

/// <summary>One API on its own PostgreSQL database whose clock is a <see cref="FakeTimeProvider"/> the tests move.</summary>
public sealed class HistoryApiFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));

    public FleetApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("history");
        Api = new FleetApiFactory(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded())
        {
            Clock = Clock,

            // The tests move the clock by days: the sweeper would add `lost` events to the histories they check.
            Extra = new Dictionary<string, string?> { ["Presence:Enabled"] = "false" },
        });
        _ = Api.Server;
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();
}
