namespace Fleet.Domain.Reachability;

/// <summary>
/// What is known about one tunnel's reachability: the outcome (and provider code) of its newest agent check and of its
/// newest API probe, each null when there is none.
/// </summary>
public sealed record TunnelEvidence(string Tunnel, string? CheckOutcome, string? CheckCode, string? ProbeOutcome, string? ProbeCode);
