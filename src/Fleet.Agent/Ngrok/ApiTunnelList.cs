namespace Fleet.Agent.Ngrok;

/// <summary>Wire shape of `GET /api/tunnels`; only the fields the agent uses.</summary>
internal sealed record ApiTunnelList(IReadOnlyList<ApiTunnel>? Tunnels);
