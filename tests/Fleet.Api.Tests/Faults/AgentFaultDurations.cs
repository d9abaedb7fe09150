namespace Fleet.Api.Tests.Faults;

/// <summary>The durations with FLEET_FAULTS=full, short ones otherwise (the README's test command).</summary>
internal static class AgentFaultDurations
{
    public static bool Full => string.Equals(Environment.GetEnvironmentVariable("FLEET_FAULTS"), "full", StringComparison.OrdinalIgnoreCase);

    public static TimeSpan Pick(TimeSpan full, TimeSpan quick) => Full ? full : quick;

    public static int Pick(int full, int quick) => Full ? full : quick;
}
