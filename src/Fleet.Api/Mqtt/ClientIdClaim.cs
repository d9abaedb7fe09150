namespace Fleet.Api.Mqtt;

/// <summary>The outcome of <see cref="ClientIdRegistry.TryClaim"/>.</summary>
internal enum ClientIdClaim
{
    Claimed,
    Owned,
    OwnedByAnother,
    QuotaExceeded,
}
