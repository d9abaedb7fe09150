namespace Fleet.Api.Detectors;

/// <summary>A total of a filter the database counted at a proven mark; the mark "-" (never a real one) when none is known.</summary>
internal readonly record struct KnownTotal(string Mark, long Total)
{
    public static KnownTotal None { get; } = new("-", 0);
}
