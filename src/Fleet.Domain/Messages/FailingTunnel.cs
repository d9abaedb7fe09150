namespace Fleet.Domain.Messages;

/// <param name="Source">Who saw it fail: <c>agent</c> (from the Pi) or <c>probe</c> (the API, from the operator's side).</param>
public sealed record FailingTunnel(string Tunnel, string Outcome, string? Code, string Source);
