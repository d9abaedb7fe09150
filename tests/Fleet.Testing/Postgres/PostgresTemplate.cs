using Npgsql;

namespace Fleet.Testing.Postgres;

/// <summary>
/// A database prepared once per test run (e.g. migrated) on the shared <see cref="PostgresServer"/>, which each test
/// class then copies with <c>CREATE DATABASE … TEMPLATE</c>: a copy is a few file copies on the server, where
/// preparing it again (dozens of migration statements) costs every class a second or more on a loaded machine.
/// </summary>
public sealed class PostgresTemplate
{
    private readonly string key;
    private readonly Func<string, CancellationToken, Task> prepare;
    private readonly Lazy<Task<string>> built;

    /// <param name="key">Readable part of the template database's name.</param>
    /// <param name="prepare">Fills the template, given a connection string to it (unpooled: no connection may stay open).</param>
    public PostgresTemplate(string key, Func<string, CancellationToken, Task> prepare)
    {
        this.key = key;
        this.prepare = prepare;

        // Task.Run: the build must not run on, or be cancelled with, whichever test happens to ask first.
        built = new(() => Task.Run(BuildAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Creates a uniquely named copy of the template (built on first use) and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken ct = default)
    {
        PostgresServer server = await PostgresServer.GetAsync();
        string template = await built.Value.WaitAsync(ct);
        return await server.CreateDatabaseAsync(prefix, template, ct);
    }

    private async Task<string> BuildAsync()
    {
        PostgresServer server = await PostgresServer.GetAsync();
        string connectionString = await server.CreateDatabaseAsync($"template_{key}");

        // CREATE DATABASE … TEMPLATE fails while anyone is connected to the template: no pool may keep a connection.
        NpgsqlConnectionStringBuilder unpooled = new(connectionString) { Pooling = false };
        await prepare(unpooled.ConnectionString, CancellationToken.None);

        // Nobody may connect to it from now on, so no copy can fail for a session left open by mistake.
        string name = unpooled.Database!;
        await using NpgsqlConnection admin = new(server.AdminConnectionString);
        await admin.OpenAsync();
        await using NpgsqlCommand close = new($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false", admin);
        await close.ExecuteNonQueryAsync();
        return name;
    }
}
