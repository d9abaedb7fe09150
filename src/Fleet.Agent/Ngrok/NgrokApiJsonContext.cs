using System.Text.Json.Serialization;

namespace Fleet.Agent.Ngrok;

/// <summary>
/// Source generated so that the agent can be trimmed or compiled ahead of time. Case-insensitive because
/// agents add a capital `ID` next to snake_case names, and unknown fields are ignored because ngrok promises
/// only additive changes.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    PropertyNameCaseInsensitive = true,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ApiTunnelList))]
[JsonSerializable(typeof(ApiEndpointList))]
[JsonSerializable(typeof(ApiStatus))]
internal sealed partial class NgrokApiJsonContext : JsonSerializerContext;
