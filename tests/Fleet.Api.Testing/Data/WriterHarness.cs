using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Api.Reachability;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Testing.Data;

/// <summary>The API's ingest writer on a fresh database of either provider, without MQTT or a web host.</summary>
internal sealed class WriterHarness : IAsyncDisposable
{
    private readonly Func<FleetDbContext> _newContext;
    private readonly ISqlDialect _dialect;
    private readonly string? _file;

    private WriterHarness(Func<FleetDbContext> newContext, ISqlDialect dialect, string? file)
    {
        _newContext = newContext;
        _dialect = dialect;
        _file = file;
    }

    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public ISqlDialect Dialect => _dialect;

    /// <summary>A context of its own on the harness's database (the caller disposes it).</summary>
    public FleetDbContext NewContext() => _newContext();

    public static async Task<WriterHarness> CreateAsync(DatabaseProvider provider)
    {
        WriterHarness harness;
        if (provider == DatabaseProvider.Postgres)
        {
            var connectionString = await MigratedDatabase.CreateAsync("writer");
            var options = new DbContextOptionsBuilder<PostgresFleetDbContext>().UseNpgsql(connectionString).Options;
            harness = new WriterHarness(() => new PostgresFleetDbContext(options), new PostgresDialect(), null);
        }
        else
        {
            var file = Path.Combine(Path.GetTempPath(), $"fleet-writer-{Guid.NewGuid():N}.db");
            var options = new DbContextOptionsBuilder<SqliteFleetDbContext>().UseSqlite($"Data Source={file}").Options;
            harness = new WriterHarness(() => new SqliteFleetDbContext(options), new SqliteDialect(), file);
        }

        await using var db = harness._newContext();
        await db.Database.MigrateAsync();
        return harness;
    }

    public async Task<IngestOutcome> ApplyAsync(Func<IngestWriter, Task<IngestOutcome>> apply, IngestOptions? options = null)
    {
        await using var db = _newContext();
        var writer = NewWriter(db, options);
        return await apply(writer);
    }

    /// <summary>Tunnel changes the last batch coalesced (only with a <see cref="ChangeBudget"/> given).</summary>
    public int LastCoalesced { get; private set; }

    public async Task<IReadOnlyList<IngestOutcome>> ApplyBatchAsync(IReadOnlyList<IngestWrite> writes, IngestOptions? options = null, ChangeBudget? budget = null)
    {
        await using var db = _newContext();
        var writer = NewWriter(db, options, budget);
        var outcomes = await writer.ApplyBatchAsync(writes, CancellationToken.None);
        LastCoalesced = writer.Coalesced;
        return outcomes;
    }

    // The writer's own semantics, without the per-detector change budget unless one is given (ChangeBudgetTests cover
    // it through the API).
    private IngestWriter NewWriter(FleetDbContext db, IngestOptions? options, ChangeBudget? budget = null) =>
        new(db, _dialect, Clock, Options.Create(options ?? new IngestOptions()), budget ?? new ChangeBudget(Options.Create(new IngestOptions { ChangesPerDetectorPerMinute = 0 }), Clock));

    public async Task<IngestOutcome> ApplyStateAsync(StateMessage state) =>
        (await ApplyBatchAsync([IngestWrite.Of(state.DetectorId, state)]))[0];

    /// <summary>The API's probe result writer on this database, handing committed changes to <paramref name="sink"/>.</summary>
    public ProbeResultWriter NewProbeWriter(IEventSink sink)
    {
        var services = new ServiceCollection()
            .AddScoped(_ => _newContext())
            .AddSingleton(_dialect)
            .BuildServiceProvider();
        return new ProbeResultWriter(services.GetRequiredService<IServiceScopeFactory>(), sink, new Fleet.Api.Testing.Data.IgnoredDetectorChanges(), Clock, NullLogger<ProbeResultWriter>.Instance);
    }

    public async Task<T> WithDbAsync<T>(Func<FleetDbContext, Task<T>> query)
    {
        await using var db = _newContext();
        return await query(db);
    }

    public async Task<DetectorRecord?> FindAsync(string id)
    {
        await using var db = _newContext();
        return await db.Detectors.AsNoTracking().Include(d => d.Tunnels).SingleOrDefaultAsync(d => d.Id == id);
    }

    public async Task<List<string>> EventTypesAsync(string id)
    {
        await using var db = _newContext();
        return await db.Events.Where(e => e.DetectorId == id).OrderBy(e => e.Id).Select(e => e.Type).ToListAsync();
    }

    public ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(_file);
        }

        return ValueTask.CompletedTask;
    }
}
