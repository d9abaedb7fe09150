namespace Fleet.Api.Mqtt;

/// <summary>A configured broker identity. Give the SHA-256 of the password (hex), or the password itself from a secret store.</summary>
public sealed class BrokerAccount
{
    public string Username { get; set; } = string.Empty;

    public string? Password { get; set; }

    public string? PasswordSha256 { get; set; }
}
