using CsCheck;
using Fleet.Domain.Messages;
using Fleet.Domain.Ordering;

namespace Fleet.Domain.Tests.Ordering;

/// <summary>
/// Re-flashes (issue 13, item 4): a detector's first life A, then a second life B of a new instance whose epochs start
/// again from 1. Whatever order QoS 1 delivers B's messages in, with late messages, duplicates and stale wills of A
/// mixed in, the API ends at B's newest state and presence, inside the reset window.
/// </summary>
public sealed class OrderingLivesPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static readonly Gen<(WireMessage[] FirstLife, WireMessage[] Later, Connection[] SecondLife)> Reflashes =
        from a in OrderingPropertyTests.Connections
        from b in OrderingPropertyTests.Connections
        let truthA = DetectorHistory.TrueMessages(a).Select(m => m.Of("A")).ToArray()
        let truthB = DetectorHistory.TrueMessages(b).Select(m => m.Of("B")).ToArray()
        from heardFirst in Gen.Int[1, truthA.Length]
        from firstLife in Gen.Shuffle(truthA)
        from duplicates in Gen.Int[0, truthA.Length - 1].Array[0, 6]
        from duplicatesB in Gen.Int[0, truthB.Length - 1].Array[0, 6]
        from staleWillEpochs in Gen.Long[0, a[^1].Epoch].Array[0, 3]
        from rest in Gen.Shuffle(firstLife[heardFirst..]
            .Concat(duplicates.Select(i => truthA[i]))
            .Concat(staleWillEpochs.Select(epoch => WireMessage.Status(epoch, Presence.Lost).Of("A")))
            .Concat(truthB)
            .Concat(duplicatesB.Select(i => truthB[i]))
            .ToArray())
        select (firstLife[..heardFirst], rest, b);

    [Fact]
    public void Store_ReflashedWithNewInstance_AnyInterleavingOfBothLives_EndsAtTheNewLifesNewestStateAndPresence()
    {
        Reflashes.Sample(
            (firstLife, rest, secondLife) =>
            {
                var store = new ReferenceStore(Now, OrderingRules.DefaultResetWindow);
                foreach (var message in firstLife.Concat(rest))
                {
                    store.Receive(message);
                }

                var lastWithStates = secondLife.LastOrDefault(c => c.StateCount > 0);
                if (lastWithStates is not null)
                {
                    Assert.Equal(new StateVersion(lastWithStates.Epoch, lastWithStates.StateCount - 1), store.State);
                }

                var last = secondLife[^1];
                Assert.Equal(last.Epoch, store.StatusEpoch);
                Assert.Equal(last.Ending ?? Presence.Online, store.Presence);
                Assert.Equal(new Lives("B", "A"), store.Lives);
            },
            iter: 5_000);
    }

    [Fact]
    public void Store_ReflashedWithNewInstance_LateMessagesOfTheFirstLifeAreAllStale()
    {
        Reflashes.Sample(
            (firstLife, rest, _) =>
            {
                var store = new ReferenceStore(Now, OrderingRules.DefaultResetWindow);
                foreach (var message in firstLife)
                {
                    store.Receive(message);
                }

                var newLifeStarted = false;
                foreach (var message in rest)
                {
                    var decision = store.Receive(message);
                    newLifeStarted |= message.Instance == "B";
                    if (newLifeStarted && message.Instance == "A")
                    {
                        Assert.Equal(Decision.Stale, decision);
                    }
                }
            },
            iter: 2_000);
    }
}
