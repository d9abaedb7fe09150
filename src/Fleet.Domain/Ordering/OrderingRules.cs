using Fleet.Domain.Messages;

namespace Fleet.Domain.Ordering;

/// <summary>
/// The ordering rules of the contract as pure functions: this is the specification. The rule that runs is a copy in
/// SQL, the guards of the API's upserts (Fleet.Api/Ingest/IngestSql.cs), so concurrent writers decide at the moment
/// of the write; Fleet.Api.Tests/Data/OrderingRulesConformanceTests holds that SQL to these functions on PostgreSQL
/// and SQLite. Change the rule here first, then the SQL, and let that test say they agree.
/// </summary>
/// <remarks>
/// Lives: an agent sends an incarnation id (<c>instance</c>) that is new whenever its state directory is new (a
/// re-flashed card). A message of a <see cref="Incarnation.New"/> instance starts a new life whatever its epoch and
/// seq; one of the <see cref="Incarnation.Ended"/> instance is always stale. When a new life's presence comes before
/// its first state, the stored state belongs to the ended life: the row says so by having no <c>storedAt</c>, and the
/// next state of the current life replaces it.
/// </remarks>
public static class OrderingRules
{
    public static TimeSpan DefaultResetWindow { get; } = TimeSpan.FromMinutes(10);

    /// <param name="stored">The stored version, or null when nothing was stored yet.</param>
    /// <param name="storedAt">
    /// When the stored version was applied (API clock); null when it belongs to a life that ended (a new life's
    /// presence came first) or was never timed.
    /// </param>
    /// <param name="storedStatusEpoch">
    /// The epoch of the stored presence: when the presence of the incoming (lower) epoch was already accepted as a
    /// reset, its state follows it.
    /// </param>
    /// <param name="incarnation">How the incoming instance relates to the stored ones (<see cref="Lives.Classify"/>).</param>
    public static Decision DecideState(
        StateVersion? stored, DateTimeOffset? storedAt, StateVersion incoming, DateTimeOffset now, TimeSpan resetWindow, long? storedStatusEpoch = null, Incarnation incarnation = Incarnation.Unknown)
    {
        switch (incarnation)
        {
            case Incarnation.Ended:
                return Decision.Stale;
            case Incarnation.New:
                return stored is null ? Decision.Apply : Decision.ApplyAsEpochReset;
        }

        if (stored is not { } current || incoming > current)
        {
            return Decision.Apply;
        }

        if (storedAt is null)
        {
            return Decision.ApplyAsEpochReset;
        }

        if (incoming.Epoch < current.Epoch)
        {
            return IsPastResetWindow(storedAt, now, resetWindow) || storedStatusEpoch == incoming.Epoch ? Decision.ApplyAsEpochReset : Decision.Stale;
        }

        // An older agent re-flashed with its retained state gone starts again at epoch 1 (issue 13): at an equal epoch a
        // lower seq is either a late message or a new life, and only time tells them apart. The window counts from the
        // last applied state, never from presence: a new life's own presence may refresh the row's last-seen time while
        // its states stay stale. With an instance on both sides a lower seq is always a late message of the same life.
        return incarnation == Incarnation.Unknown && incoming.Seq < current.Seq && IsPastResetWindow(storedAt, now, resetWindow)
            ? Decision.ApplyAsEpochReset
            : Decision.Stale;
    }

    /// <summary>
    /// A status of epoch E applies when E is at least the stored epoch; within one epoch presence only moves
    /// forward (online, then offline or lost), so the late will of an old connection cannot mark a reconnected
    /// detector lost. A new instance's presence starts a new life whatever its epoch; an ended one's is stale.
    /// </summary>
    /// <param name="storedAt">When the stored state was last applied (API clock): the reset window counts from it.</param>
    public static Decision DecideStatus(
        long? storedEpoch, Presence storedPresence, DateTimeOffset? storedAt, long incomingEpoch, Presence incoming, DateTimeOffset now, TimeSpan resetWindow, Incarnation incarnation = Incarnation.Unknown)
    {
        switch (incarnation)
        {
            case Incarnation.Ended:
                return Decision.Stale;
            case Incarnation.New:
                return storedEpoch is null || storedPresence == Presence.Unknown ? Decision.Apply : Decision.ApplyAsEpochReset;
        }

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

    /// <summary>
    /// Whether an applied state also makes the detector online: it does when it belongs to a newer connection than
    /// the stored presence, or replaced a state of another life (a reset), never for a late state of a connection
    /// whose presence (perhaps already its ending) is stored.
    /// </summary>
    /// <param name="stored">The stored state version before this one applied.</param>
    /// <param name="storedAt">As in <see cref="DecideState"/>: null when the stored state belongs to an ended life.</param>
    public static bool StartsConnection(StateVersion? stored, DateTimeOffset? storedAt, long? storedStatusEpoch, StateVersion incoming, Incarnation incarnation)
    {
        if (storedStatusEpoch is not { } statusEpoch || statusEpoch < incoming.Epoch || incarnation == Incarnation.New)
        {
            return true;
        }

        // A reset of the stored state: the stored presence is the old life's, unless the presence of this very epoch was
        // accepted as a reset first (then it is this connection's own and may already be its ending).
        return storedAt is not null && stored is { } current && incoming <= current
            && (incoming.Epoch == current.Epoch || statusEpoch != incoming.Epoch);
    }

    /// <summary>
    /// Whether the stored state belongs to the current life after an applied message (the row keeps <c>storedAt</c>
    /// then): any applied state does; a new life's presence makes the stored state the ended life's.
    /// </summary>
    public static bool StateIsCurrentAfter(bool wasCurrent, bool isState, Incarnation incarnation) =>
        isState || (wasCurrent && incarnation != Incarnation.New);

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
