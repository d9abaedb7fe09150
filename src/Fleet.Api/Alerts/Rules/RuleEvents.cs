using Fleet.Domain.Messages;

namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// Which events a rule can watch, and which event means "back" for each. An event without a "back" (a URL change, a
/// provider error, an epoch reset, a decommission) fires once per occurrence after the damping time and never recovers.
/// </summary>
internal static class RuleEvents
{
    private static readonly Dictionary<string, string[]> BackEvents = new(StringComparer.Ordinal)
    {
        [EventTypes.Lost] = [EventTypes.Online],
        [EventTypes.Offline] = [EventTypes.Online],
        [EventTypes.Unreachable] = [EventTypes.Reachable],
        [EventTypes.Degraded] = [EventTypes.Reachable],
        [EventTypes.UrlChanged] = [],
        [EventTypes.ProviderError] = [],
        [EventTypes.EpochReset] = [],
        [EventTypes.Decommissioned] = [],
        [EventTypes.HealthChanged] = [],
        [EventTypes.ProviderSwitched] = [],
    };

    public static IReadOnlyList<string> Watchable { get; } =
    [
        EventTypes.Lost, EventTypes.Offline, EventTypes.Unreachable, EventTypes.Degraded,
        EventTypes.UrlChanged, EventTypes.ProviderError, EventTypes.EpochReset, EventTypes.Decommissioned, EventTypes.HealthChanged,
        EventTypes.ProviderSwitched,
    ];

    /// <summary>What a fleet rule may count.</summary>
    public static IReadOnlyList<string> FleetCountable { get; } = [EventTypes.Lost, EventTypes.Offline, EventTypes.Unreachable];

    public static bool HasBack(string badEvent) => BackEvents.TryGetValue(badEvent, out var back) && back.Length > 0;

    /// <summary>Whether <paramref name="eventType"/> ends the bad state started by <paramref name="badEvent"/>.</summary>
    public static bool IsBack(string badEvent, string eventType) =>
        BackEvents.TryGetValue(badEvent, out var back) && back.Contains(eventType);

    /// <summary>Words for people: "lost", "offline", "changed its URL", …</summary>
    public static string Describe(string badEvent) => badEvent switch
    {
        EventTypes.UrlChanged => "changed URL",
        EventTypes.ProviderError => "reported a provider error",
        EventTypes.EpochReset => "restarted its epoch",
        EventTypes.Decommissioned => "decommissioned",
        EventTypes.HealthChanged => "changed its health",
        EventTypes.ProviderSwitched => "switched tunnel provider",
        _ => badEvent,
    };
}
