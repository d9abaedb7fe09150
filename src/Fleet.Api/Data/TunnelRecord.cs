namespace Fleet.Api.Data;

/// <summary>A detector's current tunnel. <see cref="Since"/> is when the API first saw this URL.</summary>
public sealed class TunnelRecord
{
    public required string DetectorId { get; set; }

    public required string Name { get; set; }

    public required string Url { get; set; }

    public string? Proto { get; set; }

    public string? Upstream { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset Since { get; set; }

    // The agent's newest check from the Pi (state message tunnels[].check), written when its outcome, code or HTTP
    // status changes (part of the tunnel fingerprint), so a heartbeat with the same result writes nothing.
    public string? CheckOutcome { get; set; }

    public string? CheckCode { get; set; }

    public int? CheckHttpStatus { get; set; }

    public int? CheckLatencyMs { get; set; }

    /// <summary>The agent's clock: informational.</summary>
    public DateTimeOffset? CheckAt { get; set; }

    // The API probe's result from the operator's side, written by the prober when its outcome, code or HTTP status
    // changes. ProbeAt is the API's clock.
    public string? ProbeOutcome { get; set; }

    public string? ProbeCode { get; set; }

    public int? ProbeHttpStatus { get; set; }

    public int? ProbeLatencyMs { get; set; }

    public DateTimeOffset? ProbeAt { get; set; }
}
