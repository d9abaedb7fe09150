using System.Text.Json;

namespace Fleet.Agent.Ngrok;

/// <summary>
/// `tunnels[].config`. `addr` is kept as a raw element: the docs show a string, but the same field is a number
/// in the config file, and one agent version writing it as such should not fail the whole list.
/// </summary>
internal sealed record ApiTunnelConfig(JsonElement? Addr);
