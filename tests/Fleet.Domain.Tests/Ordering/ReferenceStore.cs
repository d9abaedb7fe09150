using Fleet.Domain.Messages;
using Fleet.Domain.Ordering;

namespace Fleet.Domain.Tests.Ordering;

/// <summary>
/// The smallest store that obeys <see cref="OrderingRules"/>: one detector's state version and presence. Every
/// decision is recorded so that tests can check not only where it ends up but also that it only moved forward.
/// </summary>
internal sealed class ReferenceStore(DateTimeOffset now, TimeSpan resetWindow)
{
    private readonly List<StateVersion> _appliedStates = [];
    private readonly List<(long Epoch, Presence Presence)> _appliedStatuses = [];
    private readonly List<Decision> _decisions = [];

    public StateVersion? State { get; private set; }

    public long? StatusEpoch { get; private set; }

    public Presence Presence { get; private set; } = Presence.Unknown;

    public IReadOnlyList<StateVersion> AppliedStates => _appliedStates;

    public IReadOnlyList<(long Epoch, Presence Presence)> AppliedStatuses => _appliedStatuses;

    public IReadOnlyList<Decision> Decisions => _decisions;

    /// <summary>Applies a message; the stored values are always "applied at <c>now</c>", so the reset window never passes.</summary>
    public Decision Receive(WireMessage message)
    {
        var decision = message.Presence is { } presence ? ReceiveStatus(message.Epoch, presence) : ReceiveState(message.Version);
        _decisions.Add(decision);
        return decision;
    }

    private Decision ReceiveState(StateVersion incoming)
    {
        var decision = OrderingRules.DecideState(State, now, incoming, now, resetWindow);
        if (decision != Decision.Stale)
        {
            State = incoming;
            _appliedStates.Add(incoming);
        }

        return decision;
    }

    private Decision ReceiveStatus(long epoch, Presence presence)
    {
        var decision = OrderingRules.DecideStatus(StatusEpoch, Presence, now, epoch, presence, now, resetWindow);
        if (decision != Decision.Stale)
        {
            StatusEpoch = epoch;
            Presence = presence;
            _appliedStatuses.Add((epoch, presence));
        }

        return decision;
    }
}
