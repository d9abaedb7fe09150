using System.Net;
using Microsoft.Data.Sqlite;

namespace Fleet.Api.Tests.Relays;

/// <summary>The zero-setup SQLite API hands out relay ports with the same statements: lowest free first, full, released.</summary>
public sealed class RelayPortsOnSqliteTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"fleet-relay-{Guid.NewGuid():N}.db");
    private FleetApiFactory _api = null!;

    public async Task InitializeAsync() =>
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings($"Data Source={_file}", BrokerSettings.ForEmbedded())
        {
            Provider = "Sqlite",
            Extra = RelayTestApi.Relays(),
        });

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Provision_FillsTheRangeLowestFirst_ThenDecommissionFreesAPortForTheNext()
    {
        using var admin = _api.CreateAdmin();
        var (first, second, third) = (Messages.NewId("s1"), Messages.NewId("s2"), Messages.NewId("s3"));

        Assert.Equal(21000, await RelayTestApi.PortAsync(admin, first, "tiny"));
        Assert.Equal(21001, await RelayTestApi.PortAsync(admin, second, "tiny"));
        Assert.Equal(21000, await RelayTestApi.PortAsync(admin, first, "tiny"));
        using (var full = await RelayTestApi.ProvisionAsync(admin, third, "tiny"))
        {
            Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        }

        await _api.WriteStateAsync(Messages.State(first, 1, 0));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/detectors/{first}")).StatusCode);

        Assert.Equal(21000, await RelayTestApi.PortAsync(admin, third, "tiny"));
    }
}
