using Fleet.Api.Data;
using Fleet.Api.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Fleet.Api.Tests.Data;

/// <summary>
/// The one classifier the ingest retry and the HTTP error mapping share, fed real exceptions from real PostgreSQL and
/// SQLite: transient (retry, 503) vs poison (drop the message) vs fault (a bug: 500).
/// </summary>
public sealed class DatabaseFailuresTests
{
    [Fact]
    public async Task Postgres_UniqueViolation_IsPoison()
    {
        await using var connection = await OpenPostgresAsync();
        await ExecuteAsync(connection, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");

        var failure = await CatchAsync(() => ExecuteAsync(connection, "INSERT INTO t VALUES (1)"));

        Assert.Equal(DatabaseFailure.Poison, DatabaseFailures.Classify(failure));
        Assert.False(DatabaseFailures.IsUnavailable(failure));
    }

    [Fact]
    public async Task Postgres_ValueItCannotHold_IsPoison()
    {
        await using var connection = await OpenPostgresAsync();

        var failure = await CatchAsync(() => ExecuteAsync(connection, "SELECT 'not a number'::int"));

        Assert.Equal(DatabaseFailure.Poison, DatabaseFailures.Classify(failure));
    }

    [Fact]
    public async Task Postgres_BadSql_IsFault()
    {
        await using var connection = await OpenPostgresAsync();

        var failure = await CatchAsync(() => ExecuteAsync(connection, "SELECT * FROM no_such_table"));

        Assert.Equal(DatabaseFailure.Fault, DatabaseFailures.Classify(failure));
        Assert.False(DatabaseFailures.IsUnavailable(failure));
    }

    [Fact]
    public async Task Postgres_SerializationFailure_IsTransient()
    {
        await using var first = await OpenPostgresAsync();
        await ExecuteAsync(first, "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)");
        await using var second = new NpgsqlConnection(first.ConnectionString);
        await second.OpenAsync();

        await using var a = await first.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using var b = await second.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await ExecuteAsync(second, "SELECT v FROM t WHERE id = 1", b);
        await ExecuteAsync(first, "UPDATE t SET v = 1 WHERE id = 1", a);
        await a.CommitAsync();
        var failure = await CatchAsync(() => ExecuteAsync(second, "UPDATE t SET v = 2 WHERE id = 1", b));

        Assert.Equal("40001", Assert.IsType<PostgresException>(failure).SqlState);
        Assert.Equal(DatabaseFailure.Transient, DatabaseFailures.Classify(failure));
    }

    [Fact]
    public async Task Postgres_ServerNotListening_IsTransient()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=x;Password=x;Timeout=2;Pooling=false");

        var failure = await CatchAsync(() => connection.OpenAsync());

        Assert.Equal(DatabaseFailure.Transient, DatabaseFailures.Classify(failure));
        Assert.True(DatabaseFailures.IsUnavailable(failure));
    }

    [Fact]
    public async Task Sqlite_ConstraintViolation_IsPoison()
    {
        await using var sqlite = await SqliteFile.CreateAsync();
        await using var connection = await sqlite.OpenAsync();
        await ExecuteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");

        var failure = await CatchAsync(() => ExecuteAsync(connection, "INSERT INTO t (id, v) VALUES (1, NULL)"));

        Assert.Equal(DatabaseFailure.Poison, DatabaseFailures.Classify(failure));
    }

    [Fact]
    public async Task Sqlite_Busy_IsTransient()
    {
        await using var sqlite = await SqliteFile.CreateAsync();
        await using var holder = await sqlite.OpenAsync();
        await ExecuteAsync(holder, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        await using var hold = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, "INSERT INTO t VALUES (1)", hold);
        await using var other = await sqlite.OpenAsync();

        var failure = await CatchAsync(() => ExecuteAsync(other, "INSERT INTO t VALUES (2)"));

        Assert.Equal(5, Assert.IsType<SqliteException>(failure).SqliteErrorCode);
        Assert.Equal(DatabaseFailure.Transient, DatabaseFailures.Classify(failure));
    }

    [Fact]
    public async Task Sqlite_BadSql_IsFault()
    {
        await using var sqlite = await SqliteFile.CreateAsync();
        await using var connection = await sqlite.OpenAsync();

        var failure = await CatchAsync(() => ExecuteAsync(connection, "SELECT * FROM no_such_table"));

        Assert.Equal(DatabaseFailure.Fault, DatabaseFailures.Classify(failure));
    }

    [Fact]
    public void Wrapped_IsClassifiedByWhatItWraps()
    {
        var poison = new DbUpdateException("saving failed", new SqliteException("constraint failed", 19));
        var unavailable = new InvalidOperationException("outer", new DatabaseUnavailableException("no answer within 3 s"));

        Assert.Equal(DatabaseFailure.Poison, DatabaseFailures.Classify(poison));
        Assert.Equal(DatabaseFailure.Transient, DatabaseFailures.Classify(unavailable));
        Assert.Equal(DatabaseFailure.None, DatabaseFailures.Classify(new InvalidOperationException("a bug")));
    }

    private static async Task<NpgsqlConnection> OpenPostgresAsync()
    {
        var connection = new NpgsqlConnection(await (await PostgresServer.GetAsync()).CreateDatabaseAsync("failures"));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql, System.Data.Common.DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<Exception> CatchAsync(Func<Task> action) =>
        await Record.ExceptionAsync(action) ?? throw new Xunit.Sdk.XunitException("expected the database to fail");

    /// <summary>A throwaway SQLite file; a writer gives up after one second while the file is held.</summary>
    private sealed class SqliteFile : IAsyncDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), $"fleet-failures-{Guid.NewGuid():N}.db");

        public static Task<SqliteFile> CreateAsync() => Task.FromResult(new SqliteFile());

        public async Task<SqliteConnection> OpenAsync()
        {
            var connection = new SqliteConnection($"Data Source={_path};Pooling=false;Default Timeout=1");
            await connection.OpenAsync();
            return connection;
        }

        public ValueTask DisposeAsync()
        {
            File.Delete(_path);
            return ValueTask.CompletedTask;
        }
    }
}
