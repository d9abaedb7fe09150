using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>
/// One check of a tunnel: by the agent from the Pi (<c>tunnels[].check</c> in <c>state</c>) or by the API's probe from
/// the operator's side (<c>tunnels[].probe</c> in the views). Outcome and code stay strings so that a newer agent
/// with a new outcome is still understood by an older API (see <see cref="CheckOutcomes"/>).
/// </summary>
public sealed record TunnelCheck
{
    /// <summary>One of <see cref="CheckOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The provider's own error code when its edge answered with one, e.g. <c>ERR_NGROK_3200</c>.</summary>
    public string? Code { get; init; }

    /// <summary>The HTTP status of the answer through the tunnel (http/https tunnels), when there was one.</summary>
    public int? HttpStatus { get; init; }

    public int? LatencyMs { get; init; }

    /// <summary>When the check ran: the agent's clock for agent checks (informational), the API's for probes.</summary>
    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? CheckedAt { get; init; }
}
