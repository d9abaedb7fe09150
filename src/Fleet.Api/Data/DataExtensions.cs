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
        }
        else
        {
            connectionString ??= DefaultSqliteConnectionString(builder.Environment.ContentRootPath);
            builder.Services.AddDbContext<SqliteFleetDbContext>(db =>
                db.UseSqlite(connectionString, sqlite => sqlite.CommandTimeout(timeout)));
            builder.Services.AddScoped<FleetDbContext>(sp => sp.GetRequiredService<SqliteFleetDbContext>());
            builder.Services.AddSingleton<ISqlDialect, SqliteDialect>();
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

    private static string DefaultSqliteConnectionString(string contentRoot)
    {
        var directory = Path.Combine(contentRoot, "data");
        Directory.CreateDirectory(directory);
        return $"Data Source={Path.Combine(directory, "fleet.db")}";
    }
}
