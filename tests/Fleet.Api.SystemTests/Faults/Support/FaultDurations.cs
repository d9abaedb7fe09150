namespace Fleet.Api.SystemTests.Faults.Support;

/// <summary>
/// How long faults last. The README's test command runs the quick durations so the whole suite fits its budget;
/// <c>FLEET_FAULTS=full</c> runs the durations the reliability issue names (e.g. a broker paused for 60 s).
/// </summary>
public static class FaultDurations
{
    public const string EnvironmentVariable = "FLEET_FAULTS";

    public static bool Full { get; } =
        string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "full", StringComparison.OrdinalIgnoreCase);

    public static TimeSpan Pick(TimeSpan full, TimeSpan quick) => Full ? full : quick;

    public static int Pick(int full, int quick) => Full ? full : quick;
}
