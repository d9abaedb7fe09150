namespace Fleet.Domain.Messages;

public static class EventTypes
{
    public const string Registered = "registered";
    public const string Online = "online";
    public const string Offline = "offline";
    public const string Lost = "lost";
    public const string UrlChanged = "url-changed";
    public const string TunnelAdded = "tunnel-added";
    public const string TunnelRemoved = "tunnel-removed";
    public const string ProviderError = "provider-error";
    public const string EpochReset = "epoch-reset";
    public const string Decommissioned = "decommissioned";

    /// <summary>The active tunnel provider changed (failover chain); <c>data</c> carries <c>from</c>, <c>to</c> and <c>reason</c>.</summary>
    public const string ProviderSwitched = "provider-switched";

    /// <summary>The reachability summary changed; <c>data</c> carries <c>from</c> (the previous state; the type is the new one) and <c>failing</c> (Fleet.Api Reachability/ReachabilityRecords).</summary>
    public const string Reachable = "reachable";
    public const string Degraded = "degraded";
    public const string Unreachable = "unreachable";

    /// <summary>The health status (the worst check outcome) changed; <c>data</c> carries <c>from</c>, <c>to</c> and <c>failing</c> (Fleet.Api Health/HealthRecords).</summary>
    public const string HealthChanged = "health-changed";

    public static IReadOnlyList<string> All { get; } =
        [Registered, Online, Offline, Lost, UrlChanged, TunnelAdded, TunnelRemoved, ProviderError, EpochReset, Decommissioned, Reachable, Degraded, Unreachable, HealthChanged,
         ProviderSwitched];
}
