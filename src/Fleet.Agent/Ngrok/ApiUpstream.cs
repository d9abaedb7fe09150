using System.Text.Json;

namespace Fleet.Agent.Ngrok;

/// <summary>
/// `endpoints[].upstream`. `protocol` is the protocol towards the upstream (the docs example says `https` for
/// an `http://` upstream), so it is not used as the endpoint's proto. `url` is raw for the same reason as
/// <see cref="ApiTunnelConfig.Addr"/>.
/// </summary>
internal sealed record ApiUpstream(JsonElement? Url, string? Protocol);
