using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>A current tunnel in the API's view; <see cref="Since"/> is when the API first saw this URL.</summary>
public sealed record TunnelView
{
    public required string Name { get; init; }

    public required string Url { get; init; }

    public string? Proto { get; init; }

    public string? Upstream { get; init; }

    [JsonConverter(typeof(UtcTimestampConverter))]
    public required DateTimeOffset Since { get; init; }

    /// <summary>
    /// What a reader should know before opening <see cref="Url"/>, e.g. "idn-host" (the host is an internationalised
    /// name, shown in punycode, that may imitate another). Absent when there is nothing to say.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }

    /// <summary>The agent's check from the Pi that set the current outcome; null when the agent reports none.</summary>
    public TunnelCheck? Check { get; init; }

    /// <summary>The API probe's result that set the current outcome; null when the probe is off or has not run.</summary>
    public TunnelCheck? Probe { get; init; }
}
