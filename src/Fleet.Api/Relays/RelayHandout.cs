using System.Globalization;
using System.Text.Json.Serialization;

namespace Fleet.Api.Relays;

/// <summary>
/// A detector's place on a relay, in a provisioning answer: where its agent connects, the port it may listen on, and
/// what the relay admin runs so the relay lets its key listen there (infra/relay/install.sh add-key).
/// </summary>
public sealed record RelayHandout(string Name, string Host, int SshPort, string User, int Port, string AddKeyCommand)
{
    /// <summary>
    /// The authorized_keys line add-key writes for the key sent with the request; omitted without one. Also what a relay
    /// not set up by install.sh needs.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AuthorizedKeysLine { get; init; }

    /// <summary>Where agents ask the relay to listen; omitted when the agent's default applies.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteBindAddress { get; init; }

    /// <summary>
    /// What the relay accepts for one detector: infra/relay/install.sh's KEY_OPTIONS and comment (a test ties the two),
    /// and the add-key command that writes it (the key file from the request when sent, else the Pi's .pub copied over).
    /// </summary>
    internal static RelayHandout For(RelayDefinition relay, string detectorId, int port, SshPublicKey? key)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var addKey = $"sudo ./install.sh add-key --detector {detectorId} --port {portText} --key {detectorId}.pub";
        return new RelayHandout(relay.Name, relay.Host, relay.SshPort, relay.User, port,
            key is null ? addKey : $"printf '%s\\n' '{key}' > {detectorId}.pub && {addKey}")
        {
            AuthorizedKeysLine = key is null ? null
                : $"restrict,port-forwarding,permitlisten=\"{portText}\",command=\"/bin/false\" {key} fleet:{detectorId}",
            RemoteBindAddress = relay.RemoteBindAddress,
        };
    }
}
