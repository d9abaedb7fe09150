using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>
/// The tunnel provider on the Pi. Kind and state stay strings so that a newer agent with a new value is still
/// understood by an older API (the contract only ever adds).
/// </summary>
public sealed record ProviderReport
{
    /// <summary>The active provider: with a failover chain (Agent:Providers) the one running now.</summary>
    public required string Kind { get; init; }

    public string? Version { get; init; }

    public string? State { get; init; }

    public int Restarts { get; init; }

    public string? Error { get; init; }

    /// <summary>
    /// Why <see cref="Kind"/> is the active one (additive, absent from older agents): <c>preferred</c> (the first of the
    /// chain) or <c>failover: &lt;code or reason&gt;</c>, e.g. <c>failover: ERR_NGROK_108</c>, <c>failover: crash-loop</c>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>Since when <see cref="Kind"/> is active, on the agent's clock (informational, additive).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? Since { get; init; }

    /// <summary>
    /// A fingerprint of the ngrok account configured on the Pi (additive): <c>sha256:</c> and the first 16 hex digits
    /// of the SHA-256 of the authtoken, never the token. Set whenever ngrok is in the chain, active or not, so the
    /// detectors that share an account (and its agent-session limit) can be found.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NgrokAccount { get; init; }
}
