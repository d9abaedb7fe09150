using Fleet.Domain.Topics;

namespace Fleet.Api.Mqtt;

/// <summary>What a successful login proved: the role, and the user name it was proved for.</summary>
internal sealed record BrokerIdentity(BrokerRole Role, string Username)
{
    /// <summary>The key a client id is owned by: a role and a name (a monitor account may share a detector's name).</summary>
    public string Key => $"{Role}:{Username}";
}
