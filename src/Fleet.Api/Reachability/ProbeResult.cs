using Fleet.Domain.Messages;

namespace Fleet.Api.Reachability;

/// <summary>One probe of one tunnel URL by the API (the operator's vantage point).</summary>
/// <param name="Url">The URL that was probed: a result for a URL the detector no longer has is dropped by the writer.</param>
public sealed record ProbeResult(string DetectorId, string Tunnel, string Url, TunnelCheck Check);
