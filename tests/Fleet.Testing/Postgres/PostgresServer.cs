using System.Text;

using Npgsql;

using Testcontainers.PostgreSql;

namespace Fleet.Testing.Postgres;

/// <summary>
/// The one PostgreSQL server all integration tests in the assembly share; each test class gets its own
/// database on it (<see cref="CreateDatabaseAsync"/>). Chosen once, in order: the FLEET_TEST_POSTGRES
/// connection string, a Testcontainers container, a throwaway local cluster. When none works the tests
/// fail with the reason each one failed: a green run without a database would prove nothing.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "FLEET_TEST_POSTGRES";
    public const string ContainerImage = "postgres:16-alpine";

    private static readonly TimeSpan ContainerStartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LocalStartTimeout = TimeSpan.FromMinutes(2);

    // Task.Run: the start must not run on, or be cancelled with, whichever test happens to ask first.
    private static readonly Lazy<Task<PostgresServer>> Shared =
        new(() => Task.Run(StartSharedAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Func<ValueTask> stop;
    private int disposed;

    private PostgresServer(string mode, string adminConnectionString, Func<ValueTask> stop)
    {
        Mode = mode;
        AdminConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { IncludeErrorDetail = true }.ConnectionString;
        this.stop = stop;
    }

    /// <summary>Which server is in use, e.g. "local cluster (/usr/lib/postgresql/15/bin, …)".</summary>
    public string Mode { get; private set; }

    /// <summary>Connects to the maintenance database as a user who may create databases.</summary>
    public string AdminConnectionString { get; }

    /// <summary>The shared server, started by the first caller; a failed start fails every caller.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>Creates an empty, uniquely named database and returns a connection string to it.</summary>
    public Task<string> CreateDatabaseAsync(string prefix, CancellationToken ct = default) =>
        CreateDatabaseAsync(prefix, template: null, ct);

    /// <summary>
    /// Creates a uniquely named database as a copy of <paramref name="template"/> (a database nobody is connected to,
    /// see <see cref="PostgresTemplate"/>), or an empty one when it is null, and returns a connection string to it.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix, string? template, CancellationToken ct = default)
    {
        string name = UniqueName(prefix);
        string copy = template is null ? string.Empty : $" TEMPLATE \"{template.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        await using (NpgsqlConnection connection = new(AdminConnectionString))
        {
            await connection.OpenAsync(ct);
            await using NpgsqlCommand create = new($"CREATE DATABASE \"{name}\"{copy}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }

        // Every test class has its own database, hence its own connection pools (in the test process and in each API
        // process): pooled connections left idle for Npgsql's default five minutes add up over a run to more than the
        // server allows ("53300: too many clients"). A short idle lifetime gives them back while the run goes on.
        return new NpgsqlConnectionStringBuilder(AdminConnectionString)
        {
            Database = name,
            IncludeErrorDetail = true,
            ConnectionIdleLifetime = 10,
            ConnectionPruningInterval = 5,
        }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its sessions first.</summary>
    public async Task DropDatabaseAsync(string connectionString, CancellationToken ct = default)
    {
        string name = new NpgsqlConnectionStringBuilder(connectionString).Database
            ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        NpgsqlConnection.ClearAllPools();
        await using NpgsqlConnection connection = new(AdminConnectionString);
        await connection.OpenAsync(ct);
        await using NpgsqlCommand drop = new($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            NpgsqlConnection.ClearAllPools();
            await stop();
        }
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        List<string> failures = [];
        PostgresServer? server = await TryEnvironmentAsync(failures)
            ?? await TryContainerAsync(failures)
            ?? await TryLocalClusterAsync(failures);
        if (server is null)
        {
            throw new InvalidOperationException(
                "No PostgreSQL server for the integration tests. Tried, in order:" + Environment.NewLine
                + string.Join(Environment.NewLine, failures.Select((f, i) => $"  {i + 1}. {f}")));
        }

        try
        {
            server.Mode += $", PostgreSQL {await QueryVersionAsync(server.AdminConnectionString)}";
        }
        catch (Exception)
        {
            await server.DisposeAsync();
            throw;
        }

        // Not disposing would leave a postmaster running after the test host exits.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        await Console.Error.WriteLineAsync($"[Fleet tests] PostgreSQL mode: {server.Mode}");
        TestReport.Note($"PostgreSQL: {server.Mode}");
        return server;
    }

    private static async Task<PostgresServer?> TryEnvironmentAsync(List<string> failures)
    {
        string? connectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add($"{EnvironmentVariable}: not set");
            return null;
        }

        try
        {
            await QueryVersionAsync(connectionString);
            NpgsqlConnectionStringBuilder builder = new(connectionString);
            return new PostgresServer($"environment ({EnvironmentVariable}, {builder.Host}:{builder.Port})", connectionString, () => ValueTask.CompletedTask);
        }
        catch (Exception ex)
        {
            // A wrong setting is reported, then the next mode gets its chance.
            failures.Add($"{EnvironmentVariable}: set but unusable: {ex.GetType().Name}: {ex.Message}");
            await Console.Error.WriteLineAsync($"[Fleet tests] {failures[^1]}; trying the next PostgreSQL mode");
            return null;
        }
    }

    private static async Task<PostgresServer?> TryContainerAsync(List<string> failures)
    {
        PostgreSqlContainer? container = null;
        try
        {
            // Without a Docker engine Build() throws DockerUnavailableException within a second.
            container = new PostgreSqlBuilder(ContainerImage).Build();
            using CancellationTokenSource timeout = new(ContainerStartTimeout);
            await container.StartAsync(timeout.Token);
            PostgreSqlContainer started = container;
            return new PostgresServer($"testcontainers ({ContainerImage})", container.GetConnectionString(), () => started.DisposeAsync());
        }
        catch (Exception ex)
        {
            // Any failure here (no engine, no image, pull timeout) just means: try the next mode.
            failures.Add($"testcontainers ({ContainerImage}): {ex.GetType().Name}: {FirstLine(ex.Message)}");
            if (container is not null)
            {
                await DisposeQuietlyAsync(container);
            }

            return null;
        }
    }

    private static async Task<PostgresServer?> TryLocalClusterAsync(List<string> failures)
    {
        try
        {
            using CancellationTokenSource timeout = new(LocalStartTimeout);
            LocalPostgresCluster cluster = await LocalPostgresCluster.StartAsync(timeout.Token);
            return new PostgresServer(cluster.Description, cluster.ConnectionString, cluster.DisposeAsync);
        }
        catch (Exception ex)
        {
            failures.Add($"local cluster: {ex.GetType().Name}: {ex.Message}");
            return null;
        }
    }

    private static async Task<string> QueryVersionAsync(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder = new(connectionString) { Pooling = false, Timeout = 10 };
        await using NpgsqlConnection connection = new(builder.ConnectionString);
        await connection.OpenAsync();
        return connection.PostgreSqlVersion.ToString();
    }

    private static async Task DisposeQuietlyAsync(PostgreSqlContainer disposable)
    {
        try
        {
            await disposable.DisposeAsync();
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"[Fleet tests] cleanup after a failed container start failed: {ex.Message}");
        }
    }

    private static string UniqueName(string prefix)
    {
        // Identifiers are limited to 63 bytes; keep the prefix readable and the suffix unique.
        StringBuilder name = new();
        foreach (char c in prefix.ToLowerInvariant())
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        string readable = name.Length == 0 ? "test" : name.ToString(0, Math.Min(name.Length, 40));
        return $"{readable}_{Guid.NewGuid():N}"[..Math.Min(readable.Length + 13, 63)];
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
