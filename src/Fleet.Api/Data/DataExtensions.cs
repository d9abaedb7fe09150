using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Data;

public static class DataExtensions
{
    public const string ConnectionStringName = "Fleet";

    private const string DatabaseHealthCheck = "database";

    public static IHostApplicationBuilder AddFleetData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        var timeout = (int)options.CommandTimeout.TotalSeconds;

        if (options.Provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new OptionsValidationException(
                    "ConnectionStrings:Fleet",
                    typeof(DatabaseOptions),
                    ["Database:Provider is Postgres but ConnectionStrings:Fleet is not set."]);
            }

            builder.Services.AddDbContext<PostgresFleetDbContext>(db =>
                db.UseNpgsql(connectionString, npgsql => npgsql.CommandTimeout(timeout)));
            builder.Services.AddScoped<FleetDbContext>(sp => sp.GetRequiredService<PostgresFleetDbContext>());
            builder.Services.AddSingleton<ISqlDialect, PostgresDialect>();
            builder.Services.AddSingleton<IEventNotifications>(sp => new PostgresEventNotifications(
                connectionString, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgresEventNotifications>>()));
        }
        else
        {
            var files = OwnerOnlyFiles.For(builder);
            connectionString ??= DefaultSqliteConnectionString(builder.Environment.ContentRootPath, files);
            PrepareSqliteFiles(connectionString, files);
            builder.Services.AddDbContext<SqliteFleetDbContext>(db =>
                db.UseSqlite(connectionString, sqlite => sqlite.CommandTimeout(timeout)));
            builder.Services.AddScoped<FleetDbContext>(sp => sp.GetRequiredService<SqliteFleetDbContext>());
            builder.Services.AddSingleton<ISqlDialect, SqliteDialect>();
            builder.Services.AddSingleton<IEventNotifications, NoEventNotifications>();
        }

        builder.Services.AddHealthChecks().AddDbContextCheck<FleetDbContext>(DatabaseHealthCheck, tags: ["ready"]);
        // A database that does not answer (a blackholed network) must make readiness fail quickly, not after the
        // connect timeout: the check's token is cancelled after HealthCheckTimeout, which aborts the connect.
        builder.Services.Configure<HealthCheckServiceOptions>(o =>
        {
            foreach (var registration in o.Registrations.Where(r => r.Name == DatabaseHealthCheck))
            {
                registration.Timeout = options.HealthCheckTimeout;
            }
        });
        return builder;
    }

    public static async Task MigrateFleetDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (!options.MigrateOnStart)
        {
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        await db.Database.MigrateAsync();
    }

    /// <summary>The API's own data folder (content root + data/): the default SQLite file and the key-ring certificate.</summary>
    public static string DefaultDataDirectory(string contentRoot) => Path.Combine(contentRoot, "data");

    private static string DefaultSqliteConnectionString(string contentRoot, OwnerOnlyFiles files)
    {
        var directory = DefaultDataDirectory(contentRoot);
        files.EnsureDirectory(directory);
        return $"Data Source={Path.Combine(directory, "fleet.db")}";
    }

    /// <summary>
    /// The database file is created 0600 before SQLite opens it (SQLite would create it with the process umask,
    /// usually 0644: world-readable, with the sessions and the key ring in it); SQLite gives its -wal, -shm and -journal
    /// files the database file's mode. Existing files readable by others are tightened.
    /// </summary>
    private static void PrepareSqliteFiles(string connectionString, OwnerOnlyFiles files)
    {
        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        var path = sqlite.DataSource;
        if (sqlite.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(path) || path == ":memory:"
            || path.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
        {
            return;
        }

        files.EnsureFile(path);
        foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
        {
            files.TightenIfPresent(path + suffix);
        }
    }
}
