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
}
