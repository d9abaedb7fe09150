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
}
