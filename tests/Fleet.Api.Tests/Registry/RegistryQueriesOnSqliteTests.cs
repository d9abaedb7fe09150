using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Fleet.Api.Tests.Registry;

public sealed class RegistryQueriesOnSqliteTests(ITestOutputHelper output) : RegistryQueryTests(output)
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"fleet-registry-{Guid.NewGuid():N}.db");

    protected override Task<FleetApiSettings> CreateSettingsAsync() =>
        Task.FromResult(new FleetApiSettings($"Data Source={_file}", BrokerSettings.ForEmbedded()) { Provider = "Sqlite", Extra = Memory });

    protected override int Writers => 1;

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
