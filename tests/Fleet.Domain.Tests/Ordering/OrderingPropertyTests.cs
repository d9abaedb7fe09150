using CsCheck;
using Fleet.Domain.Messages;
using Fleet.Domain.Ordering;

namespace Fleet.Domain.Tests.Ordering;

/// <summary>
/// The contract's central promise: whatever order QoS 1 delivers a detector's messages in, with duplicates and
/// late wills of old connections mixed in, the API ends up with the newest state and the right presence.
/// </summary>
public sealed class OrderingPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    private static readonly Gen<Presence?> Endings =
        Gen.Int[0, 2].Select(i => i switch { 1 => (Presence?)Presence.Offline, 2 => Presence.Lost, _ => null });

    /// <summary>1 to 6 connections; epochs strictly increase with gaps of 1 to 3; 0 to 5 states each; maybe an ending.</summary>
    internal static readonly Gen<Connection[]> Connections =
        Gen.Select(Gen.Int[1, 3], Gen.Int[0, 5], Endings).Array[1, 6].Select(shapes =>
        {
            var connections = new Connection[shapes.Length];
            long epoch = 0;
            for (var i = 0; i < shapes.Length; i++)
            {
                epoch += shapes[i].Item1;
                connections[i] = new Connection(epoch, shapes[i].Item2, shapes[i].Item3);
            }

            return connections;
        });

    private static readonly Gen<DetectorHistory> Histories =
        from connections in Connections
        let truth = DetectorHistory.TrueMessages(connections)
        from duplicates in Gen.Int[0, truth.Count - 1].Array[0, 10]
        from staleWillEpochs in Gen.Long[0, connections[^1].Epoch - 1].Array[0, 4]
        from delivered in Gen.Shuffle(truth
            .Concat(duplicates.Select(i => truth[i]))
            .Concat(staleWillEpochs.Select(epoch => WireMessage.Status(epoch, Presence.Lost)))
            .ToArray())
        select new DetectorHistory(connections, delivered);

    [Fact]
    public void Store_AnyDeliveryOrderWithDuplicatesAndStaleWills_EndsAtNewestStateAndPresence()
    {
        Histories.Sample(
            history =>
            {
                var store = new ReferenceStore(Now, OrderingRules.DefaultResetWindow);
                foreach (var message in history.Delivered)
                {
                    store.Receive(message);
                }

                // Never a reset: every stored value was applied "now", inside the window.
                Assert.DoesNotContain(Decision.ApplyAsEpochReset, store.Decisions);

                // State: the maximum (epoch, seq) that was delivered, which is the last state of the true history.
                var states = history.Delivered.Where(m => m.Presence is null).Select(m => m.Version).ToList();
                StateVersion? newestState = states.Count == 0 ? null : states.Max();
                Assert.Equal(newestState, store.State);
                var lastWithStates = history.Connections.LastOrDefault(c => c.StateCount > 0);
                Assert.Equal(lastWithStates is null ? null : new StateVersion(lastWithStates.Epoch, lastWithStates.StateCount - 1), store.State);

                // Status: the highest epoch, and within it the highest-ranked presence (the ending, else online).
                var statuses = history.Delivered.Where(m => m.Presence is not null).ToList();
                var newestEpoch = statuses.Max(m => m.Epoch);
                var strongest = statuses.Where(m => m.Epoch == newestEpoch).MaxBy(m => OrderingRules.Rank(m.Presence!.Value))!.Presence;
                Assert.Equal(newestEpoch, store.StatusEpoch);
                Assert.Equal(strongest, store.Presence);
                var last = history.Connections[^1];
                Assert.Equal(last.Epoch, store.StatusEpoch);
                Assert.Equal(last.Ending ?? Presence.Online, store.Presence);

                // And it only ever moved forward: no duplicate applied twice, no step back in between.
                AssertStrictlyIncreasing(store.AppliedStates);
                AssertStrictlyIncreasing(store.AppliedStatuses.Select(s => new StateVersion(s.Epoch, OrderingRules.Rank(s.Presence))).ToList());
            },
            iter: 5_000);
    }

    [Fact]
    public void Store_TrueOrder_AppliesEveryStateAndEveryPresenceChange()
    {
        Connections.Sample(
            connections =>
            {
                var store = new ReferenceStore(Now, OrderingRules.DefaultResetWindow);
                var truth = DetectorHistory.TrueMessages(connections);
                foreach (var message in truth)
                {
                    Assert.Equal(Decision.Apply, store.Receive(message));
                }

                Assert.Equal(truth.Count(m => m.Presence is null), store.AppliedStates.Count);
                Assert.Equal(truth.Count(m => m.Presence is not null), store.AppliedStatuses.Count);
            },
            iter: 1_000);
    }

    [Fact]
    public void DecideState_AnyInput_MatchesTheContractsRule()
    {
        var window = OrderingRules.DefaultResetWindow;
        Gen.Select(Gen.Long[0, 4], Gen.Long[0, 4], Gen.Long[0, 4], Gen.Long[0, 4], Gen.Int[0, 1_200]).Sample(
            (storedEpoch, storedSeq, epoch, seq, ageSeconds) =>
            {
                var storedAt = Now.AddSeconds(-ageSeconds);
                var newer = epoch > storedEpoch || (epoch == storedEpoch && seq > storedSeq);
                var expected = newer ? Decision.Apply
                    : (epoch < storedEpoch || (epoch == storedEpoch && seq < storedSeq)) && Now - storedAt > window ? Decision.ApplyAsEpochReset
                    : Decision.Stale;

                Assert.Equal(expected, OrderingRules.DecideState(new StateVersion(storedEpoch, storedSeq), storedAt, new StateVersion(epoch, seq), Now, window));
            },
            iter: 5_000);
    }

    [Fact]
    public void DecideStatus_AnyInput_MatchesTheContractsRule()
    {
        var window = OrderingRules.DefaultResetWindow;
        var presences = Gen.OneOf(Presence.Online, Presence.Offline, Presence.Lost);
        Gen.Select(Gen.Long[0, 4], presences, Gen.Long[0, 4], presences, Gen.Int[0, 1_200]).Sample(
            (storedEpoch, stored, epoch, incoming, ageSeconds) =>
            {
                var storedAt = Now.AddSeconds(-ageSeconds);
                var forward = epoch > storedEpoch || (epoch == storedEpoch && stored == Presence.Online && incoming != Presence.Online);
                var expected = forward ? Decision.Apply
                    : epoch < storedEpoch && Now - storedAt > window ? Decision.ApplyAsEpochReset
                    : Decision.Stale;

                Assert.Equal(expected, OrderingRules.DecideStatus(storedEpoch, stored, storedAt, epoch, incoming, Now, window));
            },
            iter: 5_000);
    }

    private static void AssertStrictlyIncreasing(IReadOnlyList<StateVersion> versions)
    {
        for (var i = 1; i < versions.Count; i++)
        {
            Assert.True(versions[i] > versions[i - 1], $"applied {versions[i]} after {versions[i - 1]}");
        }
    }
}
