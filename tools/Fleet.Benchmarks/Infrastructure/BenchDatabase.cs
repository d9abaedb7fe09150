using Fleet.Testing.Postgres;

using Npgsql;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>The throwaway PostgreSQL cluster of the tests (LocalPostgresCluster) and the benchmark's databases on it.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly LocalPostgresCluster _cluster;

    private BenchDatabase(LocalPostgresCluster cluster) => _cluster = cluster;

    public string Description => _cluster.Description;

    /// <summary>The durability switches LocalPostgresCluster starts the server with (the ceilings run on the same ones).</summary>
    public static string Settings => "fsync=off, synchronous_commit=off, full_page_writes=off, max_connections=300 (throwaway cluster)";

    public static async Task<BenchDatabase> StartAsync() => new(await LocalPostgresCluster.StartAsync());

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = database, IncludeErrorDetail = true }.ConnectionString;

    public async Task ExecuteAsync(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The postmaster's process id: the parent of a backend (the cluster's pid file is LocalPostgresCluster's own).</summary>
    public async Task<int> PostmasterPidAsync()
    {
        var backend = await ScalarAsync<int>("SELECT pg_backend_pid()");
        return ProcessCpu.ParentOf(backend) ?? throw new InvalidOperationException($"no /proc entry for the PostgreSQL backend {backend}");
    }

    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        return _cluster.DisposeAsync();
    }
}
