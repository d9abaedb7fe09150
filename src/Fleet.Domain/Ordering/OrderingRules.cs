using Fleet.Domain.Messages;

namespace Fleet.Domain.Ordering;

/// <summary>
/// The ordering rules of the contract as pure functions: this is the specification. The rule that runs is a copy in
/// SQL, the guards of the API's upserts (Fleet.Api/Ingest/IngestSql.cs), so concurrent writers decide at the moment
/// of the write; Fleet.Api.Tests/Data/OrderingRulesConformanceTests holds that SQL to these functions on PostgreSQL
/// and SQLite. Change the rule here first, then the SQL, and let that test say they agree.
/// </summary>
public static class OrderingRules
{
    public static TimeSpan DefaultResetWindow { get; } = TimeSpan.FromMinutes(10);

    /// <param name="stored">The stored version, or null when nothing was stored yet.</param>
    /// <param name="storedAt">When the stored version was applied (API clock).</param>
    /// <param name="storedStatusEpoch">
    /// The epoch of the stored presence: when the presence of the incoming (lower) epoch was already accepted as a
    /// reset, its state follows it.
    /// </param>
    public static Decision DecideState(StateVersion? stored, DateTimeOffset? storedAt, StateVersion incoming, DateTimeOffset now, TimeSpan resetWindow, long? storedStatusEpoch = null)
    {
        if (stored is not { } current || incoming > current)
        {
            return Decision.Apply;
        }

        return incoming.Epoch < current.Epoch && (IsPastResetWindow(storedAt, now, resetWindow) || storedStatusEpoch == incoming.Epoch)
            ? Decision.ApplyAsEpochReset
            : Decision.Stale;
    }

    /// <summary>
    /// A status of epoch E applies when E is at least the stored epoch; within one epoch presence only moves
    /// forward (online, then offline or lost), so the late will of an old connection cannot mark a reconnected
    /// detector lost.
    /// </summary>
    /// <param name="storedAt">When the stored state was last applied (API clock): the reset window counts from it.</param>
    public static Decision DecideStatus(long? storedEpoch, Presence storedPresence, DateTimeOffset? storedAt, long incomingEpoch, Presence incoming, DateTimeOffset now, TimeSpan resetWindow)
    {
        if (storedEpoch is not { } epoch || storedPresence == Presence.Unknown || incomingEpoch > epoch)
        {
            return Decision.Apply;
        }

        if (incomingEpoch == epoch)
        {
            return Rank(incoming) > Rank(storedPresence) ? Decision.Apply : Decision.Stale;
        }

        return IsPastResetWindow(storedAt, now, resetWindow) ? Decision.ApplyAsEpochReset : Decision.Stale;
    }

    /// <summary>Online is the start of a connection; offline and lost both end it, and the first ending wins.</summary>
    public static int Rank(Presence presence) => presence switch
    {
        Presence.Online => 1,
        Presence.Offline or Presence.Lost => 2,
        _ => 0,
    };

    private static bool IsPastResetWindow(DateTimeOffset? storedAt, DateTimeOffset now, TimeSpan resetWindow) =>
        storedAt is not { } at || now - at > resetWindow;
}
