using Fleet.Domain.Messages;
using Fleet.Domain.Ordering;

namespace Fleet.Domain.Tests.Ordering;

/// <summary>The incarnation id (<c>instance</c>): a re-flashed card starts a new life whatever its epoch and seq.</summary>
public sealed class OrderingRulesLivesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = OrderingRules.DefaultResetWindow;
    private static readonly StateVersion Stored = new(1, 900);

    [Theory]
    [InlineData(null, "A", null, Incarnation.Unknown)]
    [InlineData("B", null, null, Incarnation.Unknown)]
    [InlineData("A", "A", null, Incarnation.Same)]
    [InlineData("A", "A", "Z", Incarnation.Same)]
    [InlineData("B", "A", null, Incarnation.New)]
    [InlineData("C", "B", "A", Incarnation.New)]
    [InlineData("A", "B", "A", Incarnation.Ended)]
    public void Classify_IncomingAgainstStored_SaysWhichLife(string? incoming, string? current, string? previous, Incarnation expected) =>
        Assert.Equal(expected, new Lives(current, previous).Classify(incoming));

    [Fact]
    public void After_NewLife_KeepsTheEndedOneAsPrevious() =>
        Assert.Equal(new Lives("B", "A"), new Lives("A", null).After("B", Incarnation.New, adopts: false));

    [Theory]
    [InlineData(true, "X")]
    [InlineData(false, null)]
    public void After_IdWhereNoneWasStored_IsAdoptedByAStateOnly(bool adopts, string? expected) =>
        Assert.Equal(new Lives(expected, null), new Lives(null, null).After("X", Incarnation.Unknown, adopts));

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 900)]
    [InlineData(0, 0)]
    [InlineData(5, 0)]
    public void DecideState_NewInstance_IsAResetWhateverItsVersion_InsideTheWindow(long epoch, long seq) =>
        Assert.Equal(Decision.ApplyAsEpochReset, OrderingRules.DecideState(Stored, Now, new StateVersion(epoch, seq), Now, Window, incarnation: Incarnation.New));

    [Fact]
    public void DecideState_NewInstanceNothingStored_Applies() =>
        Assert.Equal(Decision.Apply, OrderingRules.DecideState(null, null, new StateVersion(1, 0), Now, Window, incarnation: Incarnation.New));

    [Theory]
    [InlineData(1, 901)]
    [InlineData(9, 0)]
    [InlineData(0, 0)]
    public void DecideState_EndedInstance_IsStaleEvenWhenNewerAndPastTheWindow(long epoch, long seq) =>
        Assert.Equal(Decision.Stale, OrderingRules.DecideState(Stored, Now.AddDays(-3), new StateVersion(epoch, seq), Now, Window, incarnation: Incarnation.Ended));

    [Fact]
    public void DecideState_StoredStateOfAnEndedLife_IsReplacedByTheCurrentLifesFirstState()
    {
        // The new life's presence came first: the stored 1/900 is the old life's (no storedAt).
        Assert.Equal(Decision.ApplyAsEpochReset, OrderingRules.DecideState(Stored, null, new StateVersion(1, 0), Now, Window, storedStatusEpoch: 1, Incarnation.Same));
        Assert.Equal(Decision.Apply, OrderingRules.DecideState(Stored, null, new StateVersion(2, 0), Now, Window, storedStatusEpoch: 2, Incarnation.Same));
    }

    [Theory]
    [InlineData(Presence.Online, Presence.Lost)]
    [InlineData(Presence.Online, Presence.Offline)]
    [InlineData(Presence.Lost, Presence.Online)]
    [InlineData(Presence.Online, Presence.Online)]
    public void DecideStatus_NewInstanceAtEqualEpoch_IsAResetWhateverIsStored(Presence incoming, Presence stored) =>
        Assert.Equal(Decision.ApplyAsEpochReset, OrderingRules.DecideStatus(1, stored, Now, 1, incoming, Now, Window, Incarnation.New));

    [Theory]
    [InlineData(Presence.Lost, 1)]
    [InlineData(Presence.Offline, 2)]
    [InlineData(Presence.Online, 7)]
    public void DecideStatus_EndedInstance_IsStale(Presence incoming, long epoch) =>
        Assert.Equal(Decision.Stale, OrderingRules.DecideStatus(1, Presence.Online, Now.AddDays(-1), epoch, incoming, Now, Window, Incarnation.Ended));

    [Fact]
    public void DecideStatus_OlderAgentOnlineAtEqualEpochAfterItsLostWill_StaysStale() =>
        Assert.Equal(Decision.Stale, OrderingRules.DecideStatus(1, Presence.Lost, Now.AddHours(-5), 1, Presence.Online, Now, Window));

    [Fact]
    public void StartsConnection_StateOfTheCurrentLifeAfterItsOwnEnding_KeepsThePresence()
    {
        // The new life's online and offline came first (stored state of the ended life): its state does not revive it.
        Assert.False(OrderingRules.StartsConnection(Stored, null, 1, new StateVersion(1, 0), Incarnation.Same));
        Assert.True(OrderingRules.StartsConnection(Stored, null, 1, new StateVersion(2, 0), Incarnation.Same));
    }

    [Fact]
    public void StartsConnection_ResetOfAnotherLife_MakesItOnline()
    {
        Assert.True(OrderingRules.StartsConnection(Stored, Now, 1, new StateVersion(1, 0), Incarnation.New));
        Assert.True(OrderingRules.StartsConnection(Stored, Now, 1, new StateVersion(1, 0), Incarnation.Unknown));
        Assert.True(OrderingRules.StartsConnection(new StateVersion(5, 3), Now, 5, new StateVersion(1, 0), Incarnation.Unknown));
        Assert.False(OrderingRules.StartsConnection(new StateVersion(5, 3), Now, 1, new StateVersion(1, 0), Incarnation.Unknown));
    }
}
