namespace Fleet.Domain.Reachability;

/// <summary>Who saw a tunnel fail, in the wire names of <c>failing[].source</c>.</summary>
public static class CheckSources
{
    /// <summary>The agent, from the Pi.</summary>
    public const string Agent = "agent";

    /// <summary>The API's probe, from the operator's side.</summary>
    public const string Probe = "probe";
}
