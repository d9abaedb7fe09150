using Fleet.Domain.Messages;
using Fleet.Domain.Ordering;

namespace Fleet.Domain.Tests.Ordering;

/// <summary>
/// The smallest store that obeys <see cref="OrderingRules"/>: one detector's state version, presence and lives. Every
/// decision is recorded so that tests can check not only where it ends up but also that it only moved forward.
/// </summary>
internal sealed class ReferenceStore(DateTimeOffset now, TimeSpan resetWindow)
{
    private readonly List<StateVersion> _appliedStates = [];
    private readonly List<(long Epoch, Presence Presence)> _appliedStatuses = [];
    private readonly List<Decision> _decisions = [];
    private DateTimeOffset? _stateAt;
    private DateTimeOffset? _lastHeard;

    /// <summary>The API's clock; tests that never move it keep every stored value inside the reset window.</summary>
    public DateTimeOffset Now { get; set; } = now;

    public StateVersion? State { get; private set; }

    public long? StatusEpoch { get; private set; }

    public Presence Presence { get; private set; } = Presence.Unknown;

    public Lives Lives { get; private set; }

    public IReadOnlyList<StateVersion> AppliedStates => _appliedStates;

    public IReadOnlyList<(long Epoch, Presence Presence)> AppliedStatuses => _appliedStatuses;

    public IReadOnlyList<Decision> Decisions => _decisions;

    public Decision Receive(WireMessage message)
    {
        var incarnation = Lives.Classify(message.Instance);
        var decision = message.Presence is { } presence
            ? ReceiveStatus(message.Epoch, presence, message.Instance, incarnation)
            : ReceiveState(message.Version, message.Instance, incarnation);
        _decisions.Add(decision);
        if (decision != Decision.Stale)
        {
            _lastHeard = Now;
        }

        return decision;
    }

    private Decision ReceiveState(StateVersion incoming, string? instance, Incarnation incarnation)
    {
        var decision = OrderingRules.DecideState(State, _stateAt, incoming, Now, resetWindow, StatusEpoch, incarnation);
        if (decision != Decision.Stale)
        {
            if (OrderingRules.StartsConnection(State, _stateAt, StatusEpoch, incoming, incarnation))
            {
                (StatusEpoch, Presence) = (incoming.Epoch, Presence.Online);
            }

            Lives = Lives.After(instance, incarnation, adopts: true);
            (State, _stateAt) = (incoming, Now);
            _appliedStates.Add(incoming);
        }

        return decision;
    }

    private Decision ReceiveStatus(long epoch, Presence presence, string? instance, Incarnation incarnation)
    {
        // The window of a presence counts from the last thing heard (as the API's SQL does).
        var decision = OrderingRules.DecideStatus(StatusEpoch, Presence, _lastHeard, epoch, presence, Now, resetWindow, incarnation);
        if (decision != Decision.Stale)
        {
            Lives = Lives.After(instance, incarnation, adopts: State is null && StatusEpoch is null);
            if (!OrderingRules.StateIsCurrentAfter(_stateAt is not null, isState: false, incarnation))
            {
                _stateAt = null;
            }

            StatusEpoch = epoch;
            Presence = presence;
            _appliedStatuses.Add((epoch, presence));
        }

        return decision;
    }
}
