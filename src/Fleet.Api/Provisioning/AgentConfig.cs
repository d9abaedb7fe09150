using System.Text.Json.Serialization;

namespace Fleet.Api.Provisioning;

/// <summary>
/// A ready <c>/etc/fleet-agent/agent.json</c> for a provisioned detector, in the agent's own configuration shape
/// (section <c>Agent</c>, PascalCase keys). The password is not in it: it goes to the file named by PasswordFile.
/// </summary>
public sealed record AgentConfig([property: JsonPropertyName("Agent")] AgentSection Agent);

public sealed record AgentSection(
    [property: JsonPropertyName("DetectorId")] string DetectorId,
    [property: JsonPropertyName("Mqtt")] AgentMqttSection Mqtt);

/// <summary>
/// Endpoints is what agents since issue 14 read; Host/Port/UseTls repeat its first mqtt/mqtts entry for agents that
/// predate it (they ignore Endpoints).
/// </summary>
public sealed record AgentMqttSection(
    [property: JsonPropertyName("Endpoints")] IReadOnlyList<string> Endpoints,
    [property: JsonPropertyName("Host")] string Host,
    [property: JsonPropertyName("Port")] int Port,
    [property: JsonPropertyName("UseTls")] bool UseTls,
    [property: JsonPropertyName("Username")] string Username,
    [property: JsonPropertyName("ClientId")] string ClientId,
    [property: JsonPropertyName("PasswordFile")] string PasswordFile);

/// <summary>The answer of a provisioning: the only place the password ever appears.</summary>
public sealed record ProvisionedCredential(
    string DetectorId,
    string Username,
    string Password,
    bool Rotated,
    bool MosquittoPasswordFileUpdated,
    AgentConfig AgentConfig)
{
    /// <summary>Set when the agent configuration would send the password in plain text; omitted otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Warning { get; init; }
}
