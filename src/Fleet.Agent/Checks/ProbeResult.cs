namespace Fleet.Agent.Checks;

/// <summary>What one request or connect found.</summary>
/// <param name="Outcome">One of <see cref="Fleet.Domain.Messages.CheckOutcomes"/>.</param>
/// <param name="BodyBytesRead">How much of the body was read (never more than <see cref="Prober.MaxBodyBytes"/>).</param>
/// <param name="Error">Why it failed, for the log; no secrets (URLs of tunnels are public).</param>
internal sealed record ProbeResult(string Outcome, string? Code, int? HttpStatus, TimeSpan Latency, int BodyBytesRead = 0, string? Error = null);
