namespace Fleet.Agent.Ngrok;

/// <summary>One entry of `tunnels[]`. `Id` matches the undocumented capital `ID` (names are case-insensitive).</summary>
internal sealed record ApiTunnel(string? Name, string? PublicUrl, string? Proto, ApiTunnelConfig? Config, string? Id);
