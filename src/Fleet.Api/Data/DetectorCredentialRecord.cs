namespace Fleet.Api.Data;

/// <summary>A detector's MQTT credential for the embedded broker. Only a hash of the secret is stored.</summary>
public sealed class DetectorCredentialRecord
{
    public required string DetectorId { get; set; }

    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
