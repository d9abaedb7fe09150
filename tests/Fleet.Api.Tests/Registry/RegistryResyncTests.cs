using Fleet.Api.Registry;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fleet.Api.Tests.Registry;

/// <summary>
/// The registry stays exact when notifications are lost: a killed notification connection makes it answer from the
/// database until it has reconnected and resynced; a change it was never told about is found by the periodic resync.
/// And a restarted instance is ready only with the registry loaded.
/// </summary>
public sealed class RegistryResyncTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Memory = new() { ["Detectors:ReadFrom"] = "Memory" };

    private string _database = null!;
    private FleetApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        _database = await MigratedDatabase.CreateAsync("registry_r");
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(_database, BrokerSettings.ForEmbedded())
        {
            Extra = Memory,
        });
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task NotificationConnectionKilled_ChangesMeanwhile_TheRegistryResyncsAndAnswersThemFromMemory()
    {
        var id = Messages.NewId("rk");
        await _api.WriteStateAsync(Messages.State(id, 1, 1, "https://before.ngrok-free.app"));
        var sync = _api.Services.GetRequiredService<RegistrySync>();
        var registry = _api.Services.GetRequiredService<DetectorRegistry>();
        await Eventually.TrueAsync(() => Task.FromResult(registry.Current?.Find(id) is not null), "the registry holds the detector");
        var resyncs = sync.Resyncs;

        await KillListenerAsync();
        // Written by another program while the registry may not be listening: no local writer tells it.
        await using (var connection = new NpgsqlConnection(_database))
        {
            await connection.OpenAsync();
            await using var update = new NpgsqlCommand("UPDATE detectors SET name = 'after the kill' WHERE id = @id", connection);
            update.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        await Eventually.TrueAsync(() => Task.FromResult(sync.Resyncs > resyncs && registry.Current?.Find(id)?.Json is { } json
            && System.Text.Encoding.UTF8.GetString(json).Contains("after the kill", StringComparison.Ordinal)), "the registry resyncs and holds the change");
        using var http = _api.CreateReader();
        Assert.Contains("after the kill", await http.GetStringAsync($"/detectors/{id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeWithoutNotification_IsFoundByThePeriodicResync()
    {
        await using var api = await FleetApiFactory.StartAsync(new FleetApiSettings(_database, BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?> { ["Detectors:ReadFrom"] = "Memory", ["Detectors:ResyncInterval"] = "00:00:01" },
        });
        var id = Messages.NewId("rs");
        await api.WriteStateAsync(Messages.State(id, 1, 1));
        var registry = api.Services.GetRequiredService<DetectorRegistry>();

        // Triggers off for this transaction (as a restore or a replica apply would write): no notification is sent.
        await using (var connection = new NpgsqlConnection(_database))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var update = new NpgsqlCommand(
                "SET LOCAL session_replication_role = replica; UPDATE detectors SET name = 'unannounced', version = nextval('detector_versions') WHERE id = @id",
                connection, transaction);
            update.Parameters.AddWithValue("id", id);
            await update.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(registry.Current?.Find(id)?.Json is { } json
            && System.Text.Encoding.UTF8.GetString(json).Contains("unannounced", StringComparison.Ordinal)), "the periodic resync finds the change");
    }

    [Fact]
    public async Task Restart_IsReadyOnlyWithTheRegistryLoaded()
    {
        var prefix = Messages.NewId("rr");
        for (var i = 0; i < 50; i++)
        {
            await _api.WriteStateAsync(Messages.State($"{prefix}-{i}", 1, 1));
        }

        await using var restarted = new FleetApiFactory(new FleetApiSettings(_database, BrokerSettings.ForEmbedded()) { Extra = Memory });
        using var http = restarted.CreateClient();
        var registry = restarted.Services.GetRequiredService<DetectorRegistry>();
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await http.GetAsync("/health/ready");
            if (ready.IsSuccessStatusCode)
            {
                // Ready means loaded: every detector is in memory at the first ready answer.
                Assert.True(registry.Loaded);
                Assert.Equal(50, registry.Current!.Entries.Count(e => e.Id.StartsWith(prefix, StringComparison.Ordinal)));
                return true;
            }

            return false;
        }, "the restarted instance becomes ready");
    }

    private async Task KillListenerAsync()
    {
        await using var admin = new NpgsqlConnection(_database);
        await admin.OpenAsync();
        await using var kill = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name AND datname = current_database()", admin);
        kill.Parameters.AddWithValue("name", PostgresDetectorNotifications.ApplicationName);
        Assert.Equal(1L, await kill.ExecuteScalarAsync());
    }
}
