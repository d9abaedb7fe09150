using Microsoft.Data.Sqlite;

namespace Fleet.Api.Tests.Audit;

/// <summary>The audit trail on the zero-setup SQLite file.</summary>
public sealed class AuditTrailOnSqliteTests : AuditTrailTests
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"fleet-audit-{Guid.NewGuid():N}.db");

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
