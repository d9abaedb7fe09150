using Fleet.Api.Data;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.History;

/// <summary>
/// The one way events enter the history table, and the rule that makes it a log readers can follow with a cursor:
/// <b>events become visible in id order</b> (commit order = id order). A reader that has seen every event up to id N
/// may ask for <c>id &gt; N</c> and never miss one: the live stream's feed (Events/EventFeed), <c>Last-Event-ID</c>
/// replay and the alert evaluator's durable cursor all rely on it.
/// <para>
/// PostgreSQL: sequence values are not transactional, so without more a writer can draw id 7, another id 8 and commit
/// first; a reader at cursor 8 then skips 7 for ever. Every transaction that inserts events therefore takes one
/// transaction-level advisory lock (<see cref="ISqlDialect.EventOrderLock"/>) right before drawing the ids, and holds it
/// until it commits: ids are drawn and made visible one transaction at a time. The same statement queues a
/// <c>NOTIFY</c> on <see cref="Channel"/>, which PostgreSQL sends on commit (and never on rollback), to wake the feeds
/// of every API instance.
/// </para>
/// <para>
/// SQLite: one writer at a time already. A transaction takes the database's single write lock at the latest with its
/// first write (at BEGIN when it is IMMEDIATE) and holds it until it commits or rolls back; the insert draws the
/// AUTOINCREMENT ids (never reused) under that lock, so no other writer can draw or commit ids in between.
/// </para>
/// </summary>
internal static class EventLog
{
    /// <summary>The advisory lock's key: any fixed number no other code uses ("FleetEvt" in ASCII).</summary>
    public const long LockKey = 0x466C656574457674;

    /// <summary>The PostgreSQL notification channel a commit that inserted events signals.</summary>
    public const string Channel = "fleet_events";

    private const string InsertMany = """
        INSERT INTO events (detector_id, type, at, data)
        SELECT d, t, a, x FROM unnest(@d::text[], @t::text[], @a::timestamptz[], @x::text[]) WITH ORDINALITY AS v(d, t, a, x, n)
        ORDER BY n
        """;

    /// <summary>
    /// Writes the transaction's other pending changes, then appends <paramref name="events"/> in the order given. Call
    /// it last in the writing transaction, right before the commit: the order lock is held from here to the commit, so
    /// the transaction writes nothing else while holding it (short, and it never waits for a row lock while holding
    /// it, so it cannot deadlock with the detectors' row locks).
    /// </summary>
    public static async Task AppendAsync(FleetDbContext db, ISqlDialect dialect, IReadOnlyCollection<FleetEvent> events, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Events must be appended inside the writing transaction (EventLog.AppendAsync): the order lock lasts until its commit.");
        }

        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(ct);
        }

        if (events.Count == 0)
        {
            return;
        }

        if (dialect.HasArrays)
        {
            await db.Database.ExecuteSqlRawAsync(LockAndInsert(dialect),
                [
                    dialect.Column("d", SqlType.Text, events.Select(e => e.DetectorId).ToArray()),
                    dialect.Column("t", SqlType.Text, events.Select(e => e.Type).ToArray()),
                    dialect.Column("a", SqlType.Timestamp, events.Select(e => e.At.UtcDateTime).ToArray()),
                    dialect.Column("x", SqlType.Text, events.Select(e => e.Data?.ToJsonString()).ToArray()),
                ],
                ct);
        }
        else
        {
            if (dialect.EventOrderLock is { } orderLock)
            {
                await db.Database.ExecuteSqlRawAsync(orderLock, ct);
            }

            db.Events.AddRange(events.Select(e => new EventRecord { DetectorId = e.DetectorId, Type = e.Type, At = e.At, Data = e.Data?.ToJsonString() }));
            await db.SaveChangesAsync(ct);
        }
    }

    // One round trip: the statements run in order, so the lock is held before the insert draws its ids. Constant text.
    private static string LockAndInsert(ISqlDialect dialect) =>
        dialect.EventOrderLock is { } orderLock ? orderLock + ";\n" + InsertMany : InsertMany;
}
