namespace Fleet.Domain.Messages;

/// <summary>A detector's port on an SSH relay, handed out by the API at provisioning (<c>GET /detectors/{id}</c>).</summary>
public sealed record RelayPortAssignment(string Relay, int Port);
