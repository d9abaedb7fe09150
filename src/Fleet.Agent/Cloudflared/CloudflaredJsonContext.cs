using System.Text.Json.Serialization;

namespace Fleet.Agent.Cloudflared;

/// <summary>Source generated (the agent is trimmed); camelCase as cloudflared writes it, unknown fields ignored.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(QuickTunnelAnswer))]
[JsonSerializable(typeof(ReadyAnswer))]
internal sealed partial class CloudflaredJsonContext : JsonSerializerContext;
