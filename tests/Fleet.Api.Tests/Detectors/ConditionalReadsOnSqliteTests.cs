using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Fleet.Api.Tests.Detectors;

/// <summary>The conditional reads on the zero-setup SQLite file (its triggers and counter row).</summary>
public sealed class ConditionalReadsOnSqliteTests(ITestOutputHelper output) : ConditionalReadTests(output)
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"fleet-etag-{Guid.NewGuid():N}.db");

    protected override Task<FleetApiSettings> CreateSettingsAsync() =>
        Task.FromResult(new FleetApiSettings($"Data Source={_file}", BrokerSettings.ForEmbedded()) { Provider = "Sqlite" });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }
}
