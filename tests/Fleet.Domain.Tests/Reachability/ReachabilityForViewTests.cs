using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;

namespace Fleet.Domain.Tests.Reachability;

public sealed class ReachabilityForViewTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(Presence.Lost)]
    [InlineData(Presence.Offline)]
    [InlineData(Presence.Unknown)]
    public void Of_NotOnlineWithAStoredFailure_IsUnknownWithoutFailingOrTime(Presence status)
    {
        var view = ReachabilityForView.Of(status, ReachabilityStates.Unreachable, At, [Tunnel("web", check: CheckOutcomes.UpstreamDown)]);

        Assert.Equal(ReachabilityStates.Unknown, view.State);
        Assert.Empty(view.Failing);
        Assert.Null(view.CheckedAt);
    }

    [Fact]
    public void Of_OnlineDegraded_ListsEachFailureByTunnelAgentBeforeProbe()
    {
        TunnelView[] tunnels =
        [
            Tunnel("web", check: CheckOutcomes.UpstreamDown, checkCode: "ERR_NGROK_8012", probe: CheckOutcomes.EndpointOffline),
            Tunnel("ssh", check: CheckOutcomes.Ok, probe: CheckOutcomes.Refused),
            Tunnel("api", probe: CheckOutcomes.Timeout),
        ];

        var view = ReachabilityForView.Of(Presence.Online, ReachabilityStates.Degraded, At, tunnels);

        Assert.Equal(ReachabilityStates.Degraded, view.State);
        Assert.Equal(At, view.CheckedAt);
        Assert.Equal(
            new[]
            {
                new FailingTunnel("api", CheckOutcomes.Timeout, null, CheckSources.Probe),
                new FailingTunnel("web", CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", CheckSources.Agent),
                new FailingTunnel("web", CheckOutcomes.EndpointOffline, null, CheckSources.Probe),
            },
            view.Failing);
    }

    [Fact]
    public void Of_OnlineWithAStoredValueThisApiDoesNotKnow_IsUnknown()
    {
        var view = ReachabilityForView.Of(Presence.Online, "half-reachable", At, [Tunnel("web", check: "brand-new-outcome")]);

        Assert.Equal(ReachabilityStates.Unknown, view.State);
        Assert.Empty(view.Failing);
    }

    [Fact]
    public void Failing_OutcomeFromANewerAgent_CountsAsFailing()
    {
        var failing = ReachabilityForView.Failing([Tunnel("web", check: "quic-error")]);

        Assert.Equal(new[] { new FailingTunnel("web", "quic-error", null, CheckSources.Agent) }, failing);
    }

    [Fact]
    public void Describe_AgentCheckWithCode_NamesTunnelWordsCodeAndSource()
    {
        var text = OutcomeWords.Describe(new FailingTunnel("web", CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", CheckSources.Agent));

        Assert.Equal("tunnel web: the service behind the tunnel does not answer (ERR_NGROK_8012), seen by the agent", text);
    }

    [Fact]
    public void OutcomeWords_EveryOutcomeAndSource_HasWords()
    {
        Assert.Equal(CheckOutcomes.All.Order(StringComparer.Ordinal), OutcomeWords.Outcomes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { CheckSources.Agent, CheckSources.Probe }, OutcomeWords.Sources.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("the check failed (quic-error)", OutcomeWords.ForOutcome("quic-error"));
    }

    private static TunnelView Tunnel(string name, string? check = null, string? checkCode = null, string? probe = null) => new()
    {
        Name = name,
        Url = $"https://{name}.example.org",
        Since = At,
        Check = check is null ? null : new TunnelCheck { Outcome = check, Code = checkCode },
        Probe = probe is null ? null : new TunnelCheck { Outcome = probe },
    };
}
