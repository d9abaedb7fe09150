namespace Fleet.Agent.Configuration;

/// <summary>When the agent leaves a provider of the chain (Agent:Providers) and when it tries the preferred one again.</summary>
public sealed class FailoverSettings
{
    /// <summary>
    /// The provider errors a restart does not fix (ngrok: authtoken malformed, invalid or missing; the account's
    /// agent-session limit; the endpoint online in another session; a paid feature): see https://ngrok.com/docs/errors/.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultCodes =
        ["ERR_NGROK_105", "ERR_NGROK_107", "ERR_NGROK_108", "ERR_NGROK_313", "ERR_NGROK_334", "ERR_NGROK_4018", "ERR_NGROK_8013"];

    /// <summary>Empty by default (the binder appends to lists): then <see cref="DefaultCodes"/>.</summary>
    public List<string> Codes { get; set; } = [];

    public IReadOnlyList<string> EffectiveCodes => Codes.Count > 0 ? Codes : DefaultCodes;

    /// <summary>This many restarts of the active provider within <see cref="CrashLoopWindow"/> count as a crash loop.</summary>
    public int CrashLoopCount { get; set; } = 5;

    public TimeSpan CrashLoopWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after a failover the preferred provider is tried again; doubled after each failed try.</summary>
    public TimeSpan RetryPreferredAfter { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan RetryPreferredMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a retried preferred provider has to reach running before the agent goes back.</summary>
    public TimeSpan TrialTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
