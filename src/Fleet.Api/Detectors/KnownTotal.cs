namespace Fleet.Api.Detectors;

/// <summary>A total of a filter the database counted at a proven mark; -1 as version when none is known.</summary>
internal readonly record struct KnownTotal(long Version, string State, long Total)
{
    public static KnownTotal None { get; } = new(-1, "-", 0);
}
