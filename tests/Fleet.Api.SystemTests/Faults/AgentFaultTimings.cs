namespace Fleet.Api.SystemTests.Faults;

/// <summary>The MQTT timings every agent in the fault tests runs with, and the bounds the contract derives from them.</summary>
public static class AgentFaultTimings
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan WillDelay = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan TakeoverMaxDelay = TimeSpan.FromSeconds(4);

    /// <summary>The contract's offline bound: will delay + 1.5 × keep-alive + 5 s.</summary>
    public static TimeSpan OfflineBound => WillDelay + (1.5 * KeepAlive) + TimeSpan.FromSeconds(5);
}
