using Fleet.Agent.Configuration;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Tunnels;

/// <summary>
/// Decides which provider of the chain runs: the preferred (first) one until it fails in a way a restart does not fix
/// (an error code of <see cref="FailoverSettings.EffectiveCodes"/>, or a crash loop), then the next one; the preferred
/// one is tried again after <see cref="FailoverSettings.RetryPreferredAfter"/>, doubled after every failed try up to
/// <see cref="FailoverSettings.RetryPreferredMax"/>, and kept once it reaches running. Not thread-safe: one caller.
/// </summary>
internal sealed class FailoverPolicy
{
    public const string Preferred = "preferred";

    private readonly int _count;
    private readonly FailoverSettings _settings;
    private readonly TimeProvider _clock;
    private readonly Queue<DateTimeOffset> _crashes = new();
    private TimeSpan _retryDelay;
    private DateTimeOffset? _retryAt;
    private DateTimeOffset? _trialEndsAt;
    private int _returnTo;
    private int _restartsSeen;

    public FailoverPolicy(int count, FailoverSettings settings, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        (_count, _settings, _clock) = (count, settings, clock);
        _retryDelay = settings.RetryPreferredAfter;
        Since = clock.GetUtcNow();
    }

    /// <summary>The index in the chain of the provider that should run.</summary>
    public int Active { get; private set; }

    /// <summary><see cref="Preferred"/> or <c>failover: &lt;code or reason&gt;</c> (the contract's provider.reason).</summary>
    public string Reason { get; private set; } = Preferred;

    /// <summary>When <see cref="Active"/> became the active one.</summary>
    public DateTimeOffset Since { get; private set; }

    /// <summary>Whether the preferred provider is being tried again after a failover.</summary>
    public bool OnTrial => _trialEndsAt is not null;

    /// <summary>When <see cref="Tick"/> has something to decide (a retry or a trial's end), or null.</summary>
    public DateTimeOffset? NextDue => _trialEndsAt ?? (Active > 0 ? _retryAt : null);

    /// <summary>The current retry delay (for logs and tests).</summary>
    public TimeSpan RetryDelay => _retryDelay;

    /// <summary>Looks at the active provider's report; true when another provider must run now.</summary>
    public bool Observe(ProviderReport report)
    {
        var now = _clock.GetUtcNow();
        CountCrashes(report.Restarts, now);
        var failure = FailoverCode(report) is { } code ? code : _crashes.Count >= _settings.CrashLoopCount ? "crash-loop" : null;
        if (OnTrial)
        {
            if (failure is not null)
            {
                EndTrialFailed(failure, now);
                return true;
            }

            if (report.State == "running")
            {
                // The preferred provider works again: stay, and start from the short delay at the next failover.
                _trialEndsAt = null;
                _retryAt = null;
                _retryDelay = _settings.RetryPreferredAfter;
            }

            return false;
        }

        if (failure is null || Active == _count - 1)
        {
            // The last provider has nowhere to go: it keeps restarting with its own backoff.
            return false;
        }

        if (Active == 0)
        {
            _retryAt = now + _retryDelay;
        }

        Switch(Active + 1, "failover: " + failure, now);
        return true;
    }

    /// <summary>Acts on time alone: a due retry of the preferred provider, or a trial that ran out; true on a switch.</summary>
    public bool Tick()
    {
        var now = _clock.GetUtcNow();
        if (_trialEndsAt is { } end)
        {
            if (now < end)
            {
                return false;
            }

            EndTrialFailed("preferred not running after " + _settings.TrialTimeout, now);
            return true;
        }

        if (Active == 0 || _retryAt is not { } due || now < due)
        {
            return false;
        }

        _returnTo = Active;
        _trialEndsAt = now + _settings.TrialTimeout;
        Switch(0, Preferred, now);
        return true;
    }

    private void EndTrialFailed(string failure, DateTimeOffset now)
    {
        _trialEndsAt = null;
        _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, _settings.RetryPreferredMax.Ticks));
        _retryAt = now + _retryDelay;
        Switch(_returnTo, "failover: " + failure, now);
    }

    private void Switch(int index, string reason, DateTimeOffset now)
    {
        (Active, Reason, Since) = (index, reason, now);

        // A new provider instance counts its restarts from zero.
        _crashes.Clear();
        _restartsSeen = 0;
    }

    private void CountCrashes(int restarts, DateTimeOffset now)
    {
        for (; _restartsSeen < restarts; _restartsSeen++)
        {
            _crashes.Enqueue(now);
        }

        while (_crashes.TryPeek(out var oldest) && now - oldest > _settings.CrashLoopWindow)
        {
            _crashes.Dequeue();
        }
    }

    /// <summary>The configured code the report's error names, if any (the error may be the code or a text holding it).</summary>
    private string? FailoverCode(ProviderReport report)
    {
        if (report.Error is not { Length: > 0 } error || report.State is "running")
        {
            return null;
        }

        foreach (var code in _settings.EffectiveCodes)
        {
            var at = error.IndexOf(code, StringComparison.OrdinalIgnoreCase);
            var end = at + code.Length;
            if (at >= 0 && (end == error.Length || !char.IsAsciiLetterOrDigit(error[end])))
            {
                return code;
            }
        }

        return null;
    }
}
