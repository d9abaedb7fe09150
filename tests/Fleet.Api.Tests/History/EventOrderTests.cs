using Fleet.Api.Data;
using Fleet.Api.History;
using Fleet.Api.Testing.Data;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Tests.History;

/// <summary>
/// The rule of History/EventLog on PostgreSQL: events become visible in id order, so a reader polling
/// <c>id &gt; cursor</c> never skips one, even when a writer that drew a smaller id commits after a later one.
/// </summary>
public sealed class EventOrderTests : IAsyncLifetime
{
    private WriterHarness _db = null!;

    public async Task InitializeAsync() => _db = await WriterHarness.CreateAsync(DatabaseProvider.Postgres);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Append_WhileAnEarlierWriterIsStillOpen_WaitsSoAReaderAtTheCursorSkipsNothing()
    {
        var reader = new List<long>();
        await using var first = _db.NewContext();
        await using var firstTransaction = await first.Database.BeginTransactionAsync();
        await EventLog.AppendAsync(first, _db.Dialect, [Event("a")], CancellationToken.None);

        // The second writer starts while the first holds its (smaller) id uncommitted.
        var second = Task.Run(async () =>
        {
            await using var db = _db.NewContext();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await EventLog.AppendAsync(db, _db.Dialect, [Event("b")], CancellationToken.None);
            await transaction.CommitAsync();
        });
        await Eventually.TrueAsync(async () => second.IsCompleted || await WaitingForTheOrderLockAsync(), "the second writer waits for the lock or is done");

        // Without the rule the second writer has committed the larger id by now and the cursor moves past the first's.
        reader.AddRange(await ReadAfterAsync(reader));
        await firstTransaction.CommitAsync();
        await second;
        reader.AddRange(await ReadAfterAsync(reader));

        Assert.Equal(await AllIdsAsync(), reader);
    }

    [Fact]
    public async Task Append_ConcurrentWritersAndAPollingReader_ReaderSeesEveryIdOnceInOrder()
    {
        const int Writers = 4;
        const int TransactionsEach = 25;
        var reader = new List<long>();
        var writing = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < TransactionsEach; i++)
            {
                await using var db = _db.NewContext();
                await using var transaction = await db.Database.BeginTransactionAsync();
                await EventLog.AppendAsync(db, _db.Dialect, [Event($"w{w}"), Event($"w{w}")], CancellationToken.None);

                // A little work between drawing the ids and committing, as a real writer has.
                await db.Database.ExecuteSqlRawAsync("SELECT pg_sleep(0.002)");
                await transaction.CommitAsync();
            }
        })).ToList();

        var all = Task.WhenAll(writing);
        while (!all.IsCompleted)
        {
            reader.AddRange(await ReadAfterAsync(reader));
        }

        await all;
        reader.AddRange(await ReadAfterAsync(reader));

        Assert.Equal(Writers * TransactionsEach * 2, reader.Count);
        Assert.Equal(await AllIdsAsync(), reader);
    }

    private static FleetEvent Event(string detectorId) =>
        new() { Type = EventTypes.Registered, DetectorId = detectorId, At = DateTimeOffset.UtcNow };

    private Task<List<long>> ReadAfterAsync(List<long> seen)
    {
        var cursor = seen.Count == 0 ? 0 : seen[^1];
        return _db.WithDbAsync(db => db.Events.Where(e => e.Id > cursor).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync());
    }

    private Task<List<long>> AllIdsAsync() => _db.WithDbAsync(db => db.Events.OrderBy(e => e.Id).Select(e => e.Id).ToListAsync());

    private Task<bool> WaitingForTheOrderLockAsync() => _db.WithDbAsync(async db =>
        await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").SingleAsync() > 0);
}
