using CsCheck;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;

namespace Fleet.Domain.Tests.Reachability;

/// <summary>The contract's reachability summary: examples from docs/CONTRACT.md and properties over random tunnel sets.</summary>
public sealed class ReachabilityRulesTests
{
    private static readonly Gen<string?> Outcomes =
        Gen.OneOf<string?>(null, CheckOutcomes.Ok, CheckOutcomes.UpstreamDown, CheckOutcomes.EndpointOffline, CheckOutcomes.Timeout, CheckOutcomes.Refused, "from-a-newer-agent");

    private static readonly Gen<TunnelEvidence[]> Tunnels =
        Gen.Select(Outcomes, Outcomes).Array[0, 6].Select(pairs =>
            pairs.Select((p, i) => new TunnelEvidence($"t{i}", p.Item1, p.Item1 is null ? null : "C1", p.Item2, p.Item2 is null ? null : "C2")).ToArray());

    [Fact]
    public void Summarise_NothingChecked_IsUnknown()
    {
        var summary = ReachabilityRules.Summarise([new TunnelEvidence("web", null, null, null, null)]);

        Assert.Equal(ReachabilityStates.Unknown, summary.State);
        Assert.Empty(summary.Failing);
    }

    [Fact]
    public void Summarise_OneOfTwoTunnelsUpstreamDown_IsDegradedNamingTheTunnel()
    {
        var summary = ReachabilityRules.Summarise(
        [
            new TunnelEvidence("web", CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", null, null),
            new TunnelEvidence("ssh", CheckOutcomes.Ok, null, null, null),
        ]);

        Assert.Equal(ReachabilityStates.Degraded, summary.State);
        Assert.Equal([new FailingTunnel("web", CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", "agent")], summary.Failing);
    }

    [Fact]
    public void Summarise_AgentOkButProbeFails_FailsWithSourceProbe_AndUncheckedTunnelsDoNotCount()
    {
        var summary = ReachabilityRules.Summarise(
        [
            new TunnelEvidence("web", CheckOutcomes.Ok, null, CheckOutcomes.EndpointOffline, "ERR_NGROK_3200"),
            new TunnelEvidence("ssh", null, null, null, null),
        ]);

        Assert.Equal(ReachabilityStates.Unreachable, summary.State);
        Assert.Equal([new FailingTunnel("web", CheckOutcomes.EndpointOffline, "ERR_NGROK_3200", "probe")], summary.Failing);
    }

    [Fact]
    public void Summarise_BothSourcesFail_ListsBoth_AgentFirst()
    {
        var summary = ReachabilityRules.Summarise([new TunnelEvidence("web", CheckOutcomes.Timeout, null, CheckOutcomes.TlsError, null)]);

        Assert.Equal(["agent", "probe"], summary.Failing.Select(f => f.Source));
        Assert.Equal(ReachabilityStates.Unreachable, summary.State);
    }

    [Fact]
    public void Summarise_RefusedProbeAlone_IsNoEvidence()
    {
        Assert.Equal(ReachabilityStates.Unknown, ReachabilityRules.Summarise([new TunnelEvidence("web", null, null, CheckOutcomes.Refused, null)]).State);
        Assert.Equal(ReachabilityStates.Reachable, ReachabilityRules.Summarise([new TunnelEvidence("web", CheckOutcomes.Ok, null, CheckOutcomes.Refused, null)]).State);
    }

    [Fact]
    public void Summarise_AnyTunnels_StateFollowsCountsOfCheckedAndFailingTunnels()
    {
        Tunnels.Sample(tunnels =>
        {
            var summary = ReachabilityRules.Summarise(tunnels);
            static bool Said(string? o) => o is not null and not CheckOutcomes.Refused;
            static bool Fails(string? o) => Said(o) && o is not CheckOutcomes.Ok;
            var checkedTunnels = tunnels.Count(t => Said(t.CheckOutcome) || Said(t.ProbeOutcome));
            var failingTunnels = tunnels.Count(t => Fails(t.CheckOutcome) || Fails(t.ProbeOutcome));
            var expected = checkedTunnels == 0 ? ReachabilityStates.Unknown
                : failingTunnels == 0 ? ReachabilityStates.Reachable
                : failingTunnels == checkedTunnels ? ReachabilityStates.Unreachable
                : ReachabilityStates.Degraded;

            Assert.Equal(expected, summary.State);
            Assert.Equal(failingTunnels, summary.Failing.Select(f => f.Tunnel).Distinct().Count());
            Assert.Equal(tunnels.Count(t => Fails(t.CheckOutcome)) + tunnels.Count(t => Fails(t.ProbeOutcome)), summary.Failing.Count);
            Assert.Equal(summary.State, ReachabilityRules.Summarise(tunnels.Reverse()).State);
        });
    }

    [Theory]
    [InlineData(Presence.Online, "degraded")]
    [InlineData(Presence.Offline, "unknown")]
    [InlineData(Presence.Lost, "unknown")]
    [InlineData(Presence.Unknown, "unknown")]
    public void ForView_StoredDegraded_ShownOnlyWhileOnline(Presence presence, string expected)
    {
        Assert.Equal(expected, ReachabilityRules.ForView(presence, ReachabilityStates.Degraded));
        Assert.Equal(expected, ReachabilityRules.ForView(presence.ToWire(), ReachabilityStates.Degraded));
    }

    [Theory]
    [InlineData("unknown", "reachable", Presence.Online, true)]
    [InlineData("reachable", "unreachable", Presence.Online, true)]
    [InlineData("reachable", "reachable", Presence.Online, false)]
    [InlineData("reachable", "unknown", Presence.Online, false)]
    [InlineData("reachable", "degraded", Presence.Lost, false)]
    public void IsEvent_ChangesOfOnlineDetectorsToAKnownState_Only(string from, string to, Presence presence, bool expected) =>
        Assert.Equal(expected, ReachabilityRules.IsEvent(from, to, presence));
}
