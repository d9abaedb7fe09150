using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>
/// The delivery services of one API instance (outbox, dispatcher, attempts, circuits) on a real database, without a
/// web host or worker loop: a test runs passes itself on a <see cref="FakeTimeProvider"/>. Two harnesses on one
/// database are two instances.
/// </summary>
internal sealed class DeliveryHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string? _file;

    private DeliveryHarness(ServiceProvider services, string? file, DatabaseProvider provider, string connectionString)
    {
        _services = services;
        _file = file;
        Provider = provider;
        ConnectionString = connectionString;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public DeliveryDispatcher Dispatcher => _services.GetRequiredService<DeliveryDispatcher>();

    public IServiceProvider Services => _services;

    /// <summary>A new database of <paramref name="provider"/>, migrated; or, with <paramref name="sameDatabaseAs"/>, another instance on its database.</summary>
    public static async Task<DeliveryHarness> CreateAsync(
        DatabaseProvider provider,
        TimeProvider clock,
        IAlertSender sender,
        AlertDeliveryOptions? options = null,
        Func<double>? random = null,
        DeliveryHarness? sameDatabaseAs = null,
        ILoggerProvider? logs = null)
    {
        string? file = null;
        var connectionString = sameDatabaseAs?.ConnectionString;
        if (connectionString is null && provider == DatabaseProvider.Postgres)
        {
            connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("delivery");
        }
        else if (connectionString is null)
        {
            file = Path.Combine(Path.GetTempPath(), $"fleet-delivery-{Guid.NewGuid():N}.db");
            connectionString = $"Data Source={file}";
        }

        var services = new ServiceCollection();
        services.AddLogging(l =>
        {
            if (logs is not null)
            {
                l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
            }
        });
        services.AddMetrics();
        services.AddSingleton(clock);
        services.AddSingleton(Options.Create(options ?? new AlertDeliveryOptions()));
        // Both instances read the secrets the other stored, as API instances do through the shared key ring.
        services.AddSingleton<IDataProtectionProvider>(sameDatabaseAs?.Services.GetRequiredService<IDataProtectionProvider>() ?? new EphemeralDataProtectionProvider());
        if (provider == DatabaseProvider.Postgres)
        {
            services.AddDbContext<PostgresFleetDbContext>(db => db.UseNpgsql(connectionString));
            services.AddScoped<FleetDbContext>(sp => sp.GetRequiredService<PostgresFleetDbContext>());
            services.AddSingleton<ISqlDialect, PostgresDialect>();
        }
        else
        {
            services.AddDbContext<SqliteFleetDbContext>(db => db.UseSqlite(connectionString));
            services.AddScoped<FleetDbContext>(sp => sp.GetRequiredService<SqliteFleetDbContext>());
            services.AddSingleton<ISqlDialect, SqliteDialect>();
        }

        services.AddAlertDeliveryCore();
        if (random is not null)
        {
            services.AddSingleton(new DeliveryBackoff(random));
        }

        services.AddSingleton(sender);
        var harness = new DeliveryHarness(services.BuildServiceProvider(), file, provider, connectionString);
        if (sameDatabaseAs is null)
        {
            await harness.WithDbAsync(db => db.Database.MigrateAsync());
        }

        return harness;
    }

    public async Task<long> AddDestinationAsync(string name = "ops", string type = DestinationTypes.Webhook)
    {
        var secrets = _services.GetRequiredService<DestinationSecrets>();
        var input = new DestinationInput { Name = name, Type = type, Url = type == DestinationTypes.Email ? null : "https://hooks.example.com/fleet" };
        var record = DestinationMapping.ToRecord(input, DestinationSecrets.NewWebhookSecret(), secrets, DateTimeOffset.UnixEpoch);
        await WithDbAsync(async db =>
        {
            db.AlertDestinations.Add(record);
            await db.SaveChangesAsync();
        });
        return record.Id;
    }

    /// <summary>Enqueues as the rules' evaluator does: in its own transaction, committed.</summary>
    public async Task EnqueueAsync(AlertNotice notice, params long[] destinationIds)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        scope.ServiceProvider.GetRequiredService<IAlertOutbox>().Enqueue(db, notice, destinationIds);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    /// <summary>One pass of this instance's dispatcher, waiting for the attempts it started; returns how many it started.</summary>
    public async Task<int> PassAsync(CancellationToken ct = default)
    {
        var started = await Dispatcher.DispatchDueAsync(ct);
        await Dispatcher.WhenIdleAsync();
        return started;
    }

    public Task<DeliveryRecord> DeliveryAsync(long id) =>
        WithDbAsync(db => db.AlertDeliveries.AsNoTracking().Include(d => d.AttemptHistory).SingleAsync(d => d.Id == id));

    public Task<List<DeliveryRecord>> DeliveriesAsync() =>
        WithDbAsync(db => db.AlertDeliveries.AsNoTracking().Include(d => d.AttemptHistory).OrderBy(d => d.Id).ToListAsync());

    public async Task<T> WithDbAsync<T>(Func<FleetDbContext, Task<T>> query)
    {
        await using var scope = _services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<FleetDbContext>());
    }

    public async Task WithDbAsync(Func<FleetDbContext, Task> action)
    {
        await using var scope = _services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<FleetDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        await Dispatcher.StopAsync();
        await _services.DisposeAsync();
        if (_file is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(_file);
        }
    }
}
