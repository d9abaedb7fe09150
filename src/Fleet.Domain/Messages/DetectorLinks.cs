namespace Fleet.Domain.Messages;

public sealed record DetectorLinks
{
    public required string Self { get; init; }

    public required string Open { get; init; }

    public required string History { get; init; }

    public static DetectorLinks For(string detectorId) => new()
    {
        Self = $"/detectors/{detectorId}",
        Open = $"/d/{detectorId}",
        History = $"/detectors/{detectorId}/history",
    };
}
