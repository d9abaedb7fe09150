using System.Text.Json.Serialization;

namespace Fleet.Api.Provisioning;

/// <summary>
/// A ready <c>/etc/fleet-agent/agent.json</c> for a provisioned detector, in the agent's own configuration shape
/// (section <c>Agent</c>, PascalCase keys). The password is not in it: it goes to the file named by PasswordFile.
/// </summary>
public sealed record AgentConfig([property: JsonPropertyName("Agent")] AgentSection Agent);

public sealed record AgentSection(
    [property: JsonPropertyName("DetectorId")] string DetectorId,
    [property: JsonPropertyName("Mqtt")] AgentMqttSection Mqtt)
{
    /// <summary><c>reverse-ssh</c> when the detector was given a relay port; omitted otherwise (the agent's default).</summary>
    [JsonPropertyName("Provider")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Provider { get; init; }

    [JsonPropertyName("ReverseSsh")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AgentReverseSshSection? ReverseSsh { get; init; }
}

/// <summary>
/// The relay part of the agent's Agent:ReverseSsh (Fleet.Agent's ReverseSshSettings): where to connect and the port the
/// relay lets this detector's key listen on. LocalPort, IdentityFile and the rest stay the agent's own settings.
/// </summary>
public sealed record AgentReverseSshSection(
    [property: JsonPropertyName("Relay")] string Relay,
    [property: JsonPropertyName("User")] string User,
    [property: JsonPropertyName("RelayPort")] int RelayPort,
    [property: JsonPropertyName("RemotePort")] int RemotePort)
{
    [JsonPropertyName("RemoteBindAddress")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteBindAddress { get; init; }
}

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

    /// <summary>The detector's relay port and the relay admin's add-key line, when it was provisioned for a relay; omitted otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Relays.RelayHandout? Relay { get; init; }
}
