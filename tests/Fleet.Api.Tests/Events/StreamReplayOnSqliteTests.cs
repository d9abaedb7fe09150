using Microsoft.Data.Sqlite;
using static Fleet.Api.Testing.Events.EventStreams;

namespace Fleet.Api.Tests.Events;

/// <summary>The zero-setup SQLite API: one instance, its own commits and the poll feed the stream; Last-Event-ID replays.</summary>
public sealed class StreamReplayOnSqliteTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"fleet-stream-{Guid.NewGuid():N}.db");
    private FleetApiFactory _api = null!;

    public async Task InitializeAsync() =>
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings($"Data Source={_file}", BrokerSettings.ForEmbedded())
        {
            Provider = "Sqlite",
            Extra = new Dictionary<string, string?> { ["Events:PollInterval"] = "00:00:00.200" },
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
    public async Task Reconnect_WithLastEventId_ReplaysExactlyTheMissedEvents()
    {
        using var http = _api.CreateReader();
        await RegisterAsync(_api, "first");
        var last = (await StoredIdsAfterAsync(_api, 0))[^1];
        for (var i = 0; i < 3; i++)
        {
            await RegisterAsync(_api, "missed");
        }

        var missed = await StoredIdsAfterAsync(_api, last);
        using var resumed = await OpenAsync(http, last);

        Assert.Equal(missed, await ReadEventIdsThroughAsync(resumed.Reader, missed[^1]));

        var live = await RegisterAsync(_api, "live");
        Assert.Equal(live, Parse((await NextNotViewAsync(resumed.Reader)).Data).DetectorId);
    }
}
