namespace Fleet.Domain.Messages;

/// <summary>The wire names of a detector's reachability summary.</summary>
public static class ReachabilityStates
{
    /// <summary>Online, and every checked tunnel answers.</summary>
    public const string Reachable = "reachable";

    /// <summary>Online, some checked tunnels answer and some do not.</summary>
    public const string Degraded = "degraded";

    /// <summary>Online, and no checked tunnel answers.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>Not online, or no tunnel has been checked yet.</summary>
    public const string Unknown = "unknown";

    public static IReadOnlyList<string> All { get; } = [Reachable, Degraded, Unreachable, Unknown];
}
