using Fleet.Domain.Messages;
using Fleet.Domain.Ordering;

namespace Fleet.Domain.Tests.Ordering;

public sealed class OrderingRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = OrderingRules.DefaultResetWindow;

    [Fact]
    public void DefaultResetWindow_IsTenMinutes() => Assert.Equal(TimeSpan.FromMinutes(10), Window);

    [Fact]
    public void StateVersion_ComparesEpochFirstThenSeq()
    {
        Assert.True(new StateVersion(2, 0) > new StateVersion(1, 999));
        Assert.True(new StateVersion(1, 5) > new StateVersion(1, 4));
        Assert.True(new StateVersion(1, 5) >= new StateVersion(1, 5));
        Assert.True(new StateVersion(1, 5) <= new StateVersion(1, 5));
        Assert.False(new StateVersion(1, 5) < new StateVersion(1, 5));
        Assert.Equal(0, new StateVersion(3, 3).CompareTo(new StateVersion(3, 3)));
    }

    [Fact]
    public void DecideState_LowerEpochWhosePresenceWasAcceptedAsReset_FollowsInsideTheWindow()
    {
        var stored = new StateVersion(12, 345);

        Assert.Equal(Decision.ApplyAsEpochReset, OrderingRules.DecideState(stored, Now, new StateVersion(1, 0), Now, Window, storedStatusEpoch: 1));
        Assert.Equal(Decision.Stale, OrderingRules.DecideState(stored, Now, new StateVersion(1, 0), Now, Window, storedStatusEpoch: 12));
        Assert.Equal(Decision.Stale, OrderingRules.DecideState(stored, Now, new StateVersion(2, 0), Now, Window, storedStatusEpoch: 1));
    }

    [Fact]
    public void DecideState_NothingStored_Applies() =>
        Assert.Equal(Decision.Apply, OrderingRules.DecideState(null, null, new StateVersion(0, 0), Now, Window));

    [Theory]
    [InlineData(12, 346)]
    [InlineData(13, 0)]
    [InlineData(100, 0)]
    public void DecideState_Newer_Applies(long epoch, long seq) =>
        Assert.Equal(Decision.Apply, OrderingRules.DecideState(new StateVersion(12, 345), Now, new StateVersion(epoch, seq), Now, Window));

    [Theory]
    [InlineData(12, 345)]
    [InlineData(12, 344)]
    [InlineData(12, 0)]
    [InlineData(11, 999)]
    [InlineData(0, 0)]
    public void DecideState_DuplicateOrOlderInsideWindow_IsStale(long epoch, long seq) =>
        Assert.Equal(Decision.Stale, OrderingRules.DecideState(new StateVersion(12, 345), Now.AddMinutes(-9), new StateVersion(epoch, seq), Now, Window));

    [Fact]
    public void DecideState_LowerEpochExactlyAtWindow_IsStale() =>
        Assert.Equal(Decision.Stale, OrderingRules.DecideState(new StateVersion(12, 345), Now - Window, new StateVersion(1, 0), Now, Window));

    [Fact]
    public void DecideState_LowerEpochAfterWindow_AppliesAsEpochReset() =>
        Assert.Equal(
            Decision.ApplyAsEpochReset,
            OrderingRules.DecideState(new StateVersion(12, 345), Now - Window - TimeSpan.FromSeconds(1), new StateVersion(1, 0), Now, Window));

    [Fact]
    public void DecideState_SameEpochLowerSeqAfterWindow_IsAResetForAnOlderAgentOnly()
    {
        var stored = new StateVersion(1, 900);

        // Issue 13: an older agent re-flashed with its retained state gone starts again at epoch 1, seq 0.
        Assert.Equal(Decision.ApplyAsEpochReset, OrderingRules.DecideState(stored, Now.AddHours(-5), new StateVersion(1, 3), Now, Window));
        Assert.Equal(Decision.Stale, OrderingRules.DecideState(stored, Now.AddMinutes(-9), new StateVersion(1, 3), Now, Window));
        Assert.Equal(Decision.Stale, OrderingRules.DecideState(stored, Now.AddHours(-5), new StateVersion(1, 900), Now, Window));

        // With the same instance on both sides a lower seq is a late message of the same life, however old.
        Assert.Equal(Decision.Stale, OrderingRules.DecideState(stored, Now.AddHours(-5), new StateVersion(1, 3), Now, Window, incarnation: Incarnation.Same));
    }

    [Fact]
    public void DecideState_CustomWindow_IsHonoured()
    {
        var stored = new StateVersion(12, 345);
        var storedAt = Now.AddMinutes(-3);

        Assert.Equal(Decision.ApplyAsEpochReset, OrderingRules.DecideState(stored, storedAt, new StateVersion(1, 0), Now, TimeSpan.FromMinutes(2)));
        Assert.Equal(Decision.Stale, OrderingRules.DecideState(stored, storedAt, new StateVersion(1, 0), Now, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData(Presence.Online)]
    [InlineData(Presence.Offline)]
    [InlineData(Presence.Lost)]
    public void DecideStatus_NothingStored_Applies(Presence incoming)
    {
        Assert.Equal(Decision.Apply, OrderingRules.DecideStatus(null, Presence.Unknown, null, 3, incoming, Now, Window));
        Assert.Equal(Decision.Apply, OrderingRules.DecideStatus(7, Presence.Unknown, Now, 3, incoming, Now, Window));
    }

    [Theory]
    [InlineData(Presence.Online)]
    [InlineData(Presence.Offline)]
    [InlineData(Presence.Lost)]
    public void DecideStatus_HigherEpoch_AppliesWhateverIsStored(Presence stored)
    {
        Assert.Equal(Decision.Apply, OrderingRules.DecideStatus(12, stored, Now, 13, Presence.Online, Now, Window));
        Assert.Equal(Decision.Apply, OrderingRules.DecideStatus(12, stored, Now, 13, Presence.Lost, Now, Window));
    }

    [Theory]
    [InlineData(Presence.Offline)]
    [InlineData(Presence.Lost)]
    public void DecideStatus_EndingAfterOnlineInSameEpoch_Applies(Presence ending) =>
        Assert.Equal(Decision.Apply, OrderingRules.DecideStatus(12, Presence.Online, Now, 12, ending, Now, Window));

    [Theory]
    [InlineData(Presence.Offline)]
    [InlineData(Presence.Lost)]
    public void DecideStatus_OnlineAfterEndingInSameEpoch_IsStale(Presence ending) =>
        Assert.Equal(Decision.Stale, OrderingRules.DecideStatus(12, ending, Now, 12, Presence.Online, Now, Window));

    [Theory]
    [InlineData(Presence.Online, Presence.Online)]
    [InlineData(Presence.Offline, Presence.Offline)]
    [InlineData(Presence.Lost, Presence.Lost)]
    [InlineData(Presence.Offline, Presence.Lost)]
    [InlineData(Presence.Lost, Presence.Offline)]
    public void DecideStatus_DuplicateOrSecondEndingInSameEpoch_IsStale(Presence stored, Presence incoming) =>
        Assert.Equal(Decision.Stale, OrderingRules.DecideStatus(12, stored, Now, 12, incoming, Now, Window));

    [Theory]
    [InlineData(11)]
    [InlineData(1)]
    [InlineData(0)]
    public void DecideStatus_LateWillOfOldEpochInsideWindow_NeverOverridesNewerOnline(long willEpoch)
    {
        // The window counts from the last applied state: a connected detector heartbeats well inside it.
        foreach (var storedAt in new[] { Now, Now.AddMinutes(-1), Now - Window })
        {
            Assert.Equal(Decision.Stale, OrderingRules.DecideStatus(12, Presence.Online, storedAt, willEpoch, Presence.Lost, Now, Window));
        }
    }

    [Fact]
    public void DecideStatus_LowerEpochAfterWindow_AppliesAsEpochReset() =>
        Assert.Equal(
            Decision.ApplyAsEpochReset,
            OrderingRules.DecideStatus(12, Presence.Lost, Now.AddMinutes(-11), 1, Presence.Online, Now, Window));

    [Fact]
    public void DecideStatus_LowerEpochInsideWindow_IsStale() =>
        Assert.Equal(Decision.Stale, OrderingRules.DecideStatus(12, Presence.Lost, Now.AddMinutes(-9), 1, Presence.Online, Now, Window));

    [Fact]
    public void Rank_OnlineBeforeEndings_EndingsEqual()
    {
        Assert.True(OrderingRules.Rank(Presence.Online) > OrderingRules.Rank(Presence.Unknown));
        Assert.True(OrderingRules.Rank(Presence.Offline) > OrderingRules.Rank(Presence.Online));
        Assert.Equal(OrderingRules.Rank(Presence.Offline), OrderingRules.Rank(Presence.Lost));
    }
}
