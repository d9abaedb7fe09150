namespace Fleet.Agent.Ngrok;

/// <summary>What /api/status says; both values are null on agents older than 3.9.0, which lack the route.</summary>
/// <param name="AgentVersion">`agent_version`, e.g. `3.9.0`.</param>
/// <param name="SessionOnline">
/// True when `status` is `online`. Any other value counts as not online: the docs show only `online`, and the
/// console shows `reconnecting (…)` while the session is down.
/// </param>
internal sealed record NgrokAgentStatus(string? AgentVersion, bool? SessionOnline)
{
    public static NgrokAgentStatus Unknown { get; } = new(null, null);
}
