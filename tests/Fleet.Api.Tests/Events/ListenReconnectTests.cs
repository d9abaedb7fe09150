using Fleet.Api.Data;
using Fleet.Api.Testing.Events;
using Npgsql;
using static Fleet.Api.Testing.Events.EventStreams;

namespace Fleet.Api.Tests.Events;

/// <summary>
/// Two API instances on one PostgreSQL database; A polls only every 10 minutes, so what B writes reaches A's stream
/// through NOTIFY alone. PostgreSQL ends the listening backends (pg_terminate_backend, as a failover or an
/// administrator would): A listens again and reads from the history what was committed meanwhile, so its stream
/// carries every event, in order, none twice.
/// </summary>
public sealed class ListenReconnectTests : IAsyncLifetime
{
    private string _database = null!;
    private FleetApiFactory _a = null!;
    private FleetApiFactory _b = null!;

    public async Task InitializeAsync()
    {
        _database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("listen");
        var onlyNotify = new Dictionary<string, string?> { ["Events:PollInterval"] = "00:10:00" };
        _a = await FleetApiFactory.StartAsync(new FleetApiSettings(_database, BrokerSettings.ForEmbedded()) { Extra = onlyNotify });
        _b = await FleetApiFactory.StartAsync(new FleetApiSettings(_database, BrokerSettings.ForEmbedded()));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task ListeningBackendTerminated_EventsWrittenMeanwhileAndAfter_AllReachTheStreamInOrder()
    {
        var before = await Eventually.GetAsync(ListenersAsync, pids => pids.Count == 2, "both instances listening");
        using var http = _a.CreateReader();
        using var stream = await OpenAsync(http);
        await RegisterAsync(_b, "warm");
        var last = (await StoredIdsAfterAsync(_a, 0))[^1];
        Assert.Equal(last, (await ReadEventIdsThroughAsync(stream.Reader, last))[^1]);

        Assert.Equal(2, await TerminateListenersAsync());
        for (var i = 0; i < 5; i++)
        {
            await RegisterAsync(_b, "meanwhile");
        }

        var after = await Eventually.GetAsync(ListenersAsync, pids => pids.Count == 2 && !pids.Intersect(before).Any(), "both instances listening again");
        await RegisterAsync(_b, "after");
        var stored = await StoredIdsAfterAsync(_a, last);
        var streamed = await ReadEventIdsThroughAsync(stream.Reader, stored[^1]);

        Assert.Equal(2, after.Count);
        Assert.True(stored.Count >= 6, $"{stored.Count} events stored");
        Assert.Equal(stored, streamed);
    }

    private async Task<List<int>> ListenersAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name ORDER BY pid", connection);
        command.Parameters.AddWithValue("name", PostgresEventNotifications.ApplicationName);
        var pids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            pids.Add(reader.GetInt32(0));
        }

        return pids;
    }

    private async Task<int> TerminateListenersAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name",
            connection);
        command.Parameters.AddWithValue("name", PostgresEventNotifications.ApplicationName);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
