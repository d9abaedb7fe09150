using Fleet.Api.Auth;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Mqtt;

/// <summary>
/// The API's own broker identity. With the embedded broker the password is random per process and never leaves
/// memory; with an external broker it comes from configuration.
/// </summary>
internal sealed class BrokerCredentialSource(IOptions<MqttOptions> options)
{
    private readonly string _embeddedPassword = SecretHash.NewSecret();

    public (string Username, string Password) ForApi()
    {
        var value = options.Value;
        return value.Mode == MqttMode.Embedded
            ? (value.Username, _embeddedPassword)
            : (value.Username, value.Password ?? string.Empty);
    }

    public bool IsApi(string username, string password) =>
        options.Value.Mode == MqttMode.Embedded
        && username == options.Value.Username
        && SecretHash.Matches(password, SecretHash.Sha256Hex(_embeddedPassword));
}
