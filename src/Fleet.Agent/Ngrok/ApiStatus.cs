namespace Fleet.Agent.Ngrok;

/// <summary>Wire shape of `GET /api/status` (agent 3.9.0 and later).</summary>
internal sealed record ApiStatus(string? Status, string? AgentVersion);
