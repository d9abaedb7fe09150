namespace Fleet.Api.Provisioning;

/// <summary>
/// The optional body of <c>POST /detectors/{id}/credentials</c>. Relay: a relay of Relay:Relays to give the detector a
/// port on. SshPublicKey: the agent's public key line (its IdentityFile's .pub), so the answer carries the exact
/// authorized_keys line; never a private key.
/// </summary>
public sealed record ProvisionRequest(string? Relay, string? SshPublicKey);
