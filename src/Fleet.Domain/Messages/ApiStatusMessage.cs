namespace Fleet.Domain.Messages;

/// <summary>Payload of <c>fleet/v1/api/status</c>.</summary>
public sealed record ApiStatusMessage(string State);
