using Fleet.Agent.Configuration;
using Fleet.Agent.Tunnels;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Agent.Tests.Tunnels;

/// <summary>The chain's decision alone: when to leave a provider, when to try the preferred one again, when to stay.</summary>
public sealed class FailoverPolicyTests
{
    private static readonly TimeSpan Retry = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    private readonly FailoverSettings _settings = new()
    {
        RetryPreferredAfter = Retry,
        RetryPreferredMax = TimeSpan.FromMinutes(20),
        TrialTimeout = TimeSpan.FromMinutes(1),
        CrashLoopCount = 3,
        CrashLoopWindow = TimeSpan.FromMinutes(2),
    };

    [Fact]
    public void Observe_SessionLimitError_MovesToTheNextProviderWithTheCode()
    {
        var policy = new FailoverPolicy(3, _settings, _clock);
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.True(policy.Observe(Report("error", "ERR_NGROK_108")));

        Assert.Equal(1, policy.Active);
        Assert.Equal("failover: ERR_NGROK_108", policy.Reason);
        Assert.Equal(_clock.GetUtcNow(), policy.Since);
        Assert.Equal(_clock.GetUtcNow() + Retry, policy.NextDue);
    }

    [Theory]
    [InlineData("ERR_NGROK_3200")]
    [InlineData("ERR_NGROK_1080")]
    [InlineData("cloudflared exited with code 1")]
    public void Observe_ErrorNotInTheCodes_Stays(string error)
    {
        var policy = new FailoverPolicy(2, _settings, _clock);

        Assert.False(policy.Observe(Report("error", error, restarts: 1)));

        Assert.Equal(0, policy.Active);
        Assert.Equal(FailoverPolicy.Preferred, policy.Reason);
    }

    [Fact]
    public void Observe_CodeInsideAnErrorText_Counts()
    {
        var policy = new FailoverPolicy(2, new FailoverSettings { Codes = ["ERR_NGROK_107"] }, _clock);

        Assert.True(policy.Observe(Report("crashed", "authentication failed: ERR_NGROK_107\r\n")));
        Assert.Equal("failover: ERR_NGROK_107", policy.Reason);
    }

    [Fact]
    public void Observe_CrashesWithinTheWindow_FailOverAsACrashLoop()
    {
        var policy = new FailoverPolicy(2, _settings, _clock);

        Assert.False(policy.Observe(Report("crashed", null, restarts: 1)));
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.False(policy.Observe(Report("crashed", null, restarts: 2)));
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.True(policy.Observe(Report("crashed", null, restarts: 3)));
        Assert.Equal("failover: crash-loop", policy.Reason);
    }

    [Fact]
    public void Observe_CrashesSpreadBeyondTheWindow_Stays()
    {
        var policy = new FailoverPolicy(2, _settings, _clock);

        for (var restarts = 1; restarts <= 6; restarts++)
        {
            Assert.False(policy.Observe(Report("crashed", null, restarts)));
            _clock.Advance(TimeSpan.FromMinutes(1.5));
        }

        Assert.Equal(0, policy.Active);
    }

    [Fact]
    public void Observe_LastProviderFails_StaysOnIt()
    {
        var policy = new FailoverPolicy(2, _settings, _clock);
        policy.Observe(Report("error", "ERR_NGROK_108"));

        Assert.False(policy.Observe(Report("error", "ERR_NGROK_108")));
        Assert.Equal(1, policy.Active);
    }

    [Fact]
    public void Tick_RetryDue_TriesThePreferredAndKeepsItOnceRunning()
    {
        var policy = new FailoverPolicy(2, _settings, _clock);
        policy.Observe(Report("error", "ERR_NGROK_108"));
        _clock.Advance(Retry - TimeSpan.FromSeconds(1));
        Assert.False(policy.Tick());

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(policy.Tick());
        Assert.Equal(0, policy.Active);
        Assert.Equal(FailoverPolicy.Preferred, policy.Reason);
        Assert.True(policy.OnTrial);

        Assert.False(policy.Observe(Report("running", null)));
        Assert.False(policy.OnTrial);
        Assert.Null(policy.NextDue);
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.False(policy.Tick());
        Assert.Equal(0, policy.Active);
    }

    [Fact]
    public void Observe_PreferredFailsItsTry_GoesBackAndDoublesTheDelayUpToTheMax()
    {
        var policy = new FailoverPolicy(3, _settings, _clock);
        policy.Observe(Report("error", "ERR_NGROK_108"));
        policy.Observe(Report("crashed", null, restarts: 3));
        Assert.Equal(2, policy.Active);

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            _clock.Advance(policy.NextDue!.Value - _clock.GetUtcNow());
            Assert.True(policy.Tick());
            Assert.Equal(0, policy.Active);

            Assert.True(policy.Observe(Report("error", "ERR_NGROK_108")));
            Assert.Equal(2, policy.Active);
            Assert.Equal("failover: ERR_NGROK_108", policy.Reason);
            delays.Add(policy.NextDue!.Value - _clock.GetUtcNow());
        }

        Assert.Equal([TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(20)], delays);
    }

    [Fact]
    public void Tick_PreferredNotRunningWithinTheTrial_GoesBack()
    {
        var policy = new FailoverPolicy(2, _settings, _clock);
        policy.Observe(Report("error", "ERR_NGROK_108"));
        _clock.Advance(Retry);
        policy.Tick();
        Assert.False(policy.Observe(Report("starting", null)));

        _clock.Advance(_settings.TrialTimeout);

        Assert.True(policy.Tick());
        Assert.Equal(1, policy.Active);
        Assert.StartsWith("failover: preferred not running", policy.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_SingleProviderChain_NeverSwitches()
    {
        var policy = new FailoverPolicy(1, _settings, _clock);

        Assert.False(policy.Observe(Report("error", "ERR_NGROK_108", restarts: 10)));
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.False(policy.Tick());
        Assert.Equal(FailoverPolicy.Preferred, policy.Reason);
    }

    private static ProviderReport Report(string state, string? error, int restarts = 0) =>
        new() { Kind = "ngrok", State = state, Error = error, Restarts = restarts };
}
