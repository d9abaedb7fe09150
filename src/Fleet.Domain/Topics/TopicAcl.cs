using Fleet.Domain.Identity;

namespace Fleet.Domain.Topics;

/// <summary>
/// The broker authorization rules of the contract, as pure functions. The embedded broker applies them directly;
/// infra/mosquitto/acl states the same rules for Mosquitto.
/// </summary>
public static class TopicAcl
{
    public static bool CanPublish(BrokerRole role, string username, string topic) => role switch
    {
        // Exact topics, not a wildcard: a detector cannot invent sub-topics that a "+/#" subscriber would ingest.
        BrokerRole.Detector => DetectorId.IsValid(username) && (topic == FleetTopics.Status(username) || topic == FleetTopics.State(username)),
        BrokerRole.Api => topic.StartsWith(FleetTopics.RegistryPrefix, StringComparison.Ordinal)
            || topic.StartsWith(FleetTopics.EventsPrefix, StringComparison.Ordinal)
            || topic == FleetTopics.ApiStatus
            || topic == FleetTopics.ControlResync,
        _ => false,
    };

    /// <summary>
    /// <see cref="CanPublish(BrokerRole, string, string)"/> plus the one payload-dependent rule: the API may publish a
    /// zero-byte message to a detector's <c>status</c> or <c>state</c> (retained, that is how MQTT clears a retained
    /// message: <c>DELETE /detectors/{id}</c> does it). Never a message with content, so it cannot speak in a
    /// detector's name. Mosquitto's ACL cannot look at payloads; the embedded broker applies this exactly.
    /// </summary>
    public static bool CanPublish(BrokerRole role, string username, string topic, int payloadLength) =>
        CanPublish(role, username, topic) || (payloadLength == 0 && CanClear(role, topic));

    /// <summary>
    /// <see cref="CanPublish(BrokerRole, string, string, int)"/> plus Home Assistant discovery when it is on
    /// (<paramref name="discoveryPrefix"/> not null): the API publishes the config topics below the prefix.
    /// </summary>
    public static bool CanPublish(BrokerRole role, string username, string topic, int payloadLength, string? discoveryPrefix) =>
        CanPublish(role, username, topic, payloadLength)
        || (role == BrokerRole.Api && discoveryPrefix is not null && IsBelow(topic, discoveryPrefix));

    /// <summary>
    /// <see cref="CanSubscribe(BrokerRole, string, string)"/> plus Home Assistant discovery when it is on: a monitor
    /// (Home Assistant logs in as one) reads the config topics below <paramref name="discoveryPrefix"/>; it publishes nothing.
    /// </summary>
    public static bool CanSubscribe(BrokerRole role, string username, string filter, string? discoveryPrefix) =>
        CanSubscribe(role, username, filter)
        || (role == BrokerRole.Monitor && discoveryPrefix is not null && IsBelow(filter, discoveryPrefix));

    private static bool IsBelow(string topicOrFilter, string prefix) =>
        topicOrFilter.Length > prefix.Length + 1
        && topicOrFilter.StartsWith(prefix, StringComparison.Ordinal)
        && topicOrFilter[prefix.Length] == '/';

    /// <summary>
    /// Whether <paramref name="role"/> may clear (zero-byte publish) <paramref name="topic"/>: only the API, only a real
    /// detector's exact status or state topic. Reserved ids are excluded, as "topic deny fleet/v1/detectors/api/#" does
    /// in infra/mosquitto/acl.
    /// </summary>
    public static bool CanClear(BrokerRole role, string topic) =>
        role == BrokerRole.Api
        && FleetTopics.TryParseDetectorTopic(topic, out var detectorId, out _)
        && !DetectorId.IsReserved(detectorId);

    /// <summary>
    /// Whether <paramref name="role"/> may subscribe to <paramref name="filter"/>. Shared subscriptions
    /// (<c>$share/{group}/…</c>) are the API's alone: a member of a shared group takes turns with the others, so a
    /// monitor or detector in the API's group would take messages away from it (on Mosquitto a read-denied member's
    /// turn even drops the message). MQTTnet has no shared subscriptions, but the rule is the contract's, stated once
    /// here and by infra/mosquitto/plugin for Mosquitto.
    /// </summary>
    public static bool CanSubscribe(BrokerRole role, string username, string filter)
    {
        if (role != BrokerRole.Api && filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var plain = StripShare(filter);
        return role switch
        {
            // A username with wildcards ("+") would turn "its own state" into a filter over every detector.
            BrokerRole.Detector => DetectorId.IsValid(username) && (plain == FleetTopics.State(username) || plain == FleetTopics.ControlResync),
            BrokerRole.Api => plain.StartsWith(FleetTopics.DetectorsPrefix, StringComparison.Ordinal),
            // "fleet/v1/#" is the natural subscription of a dashboard; all it adds is the harmless resync signal.
            BrokerRole.Monitor => plain == FleetTopics.Root + "/#"
                || plain.StartsWith(FleetTopics.RegistryPrefix, StringComparison.Ordinal)
                || plain.StartsWith(FleetTopics.EventsPrefix, StringComparison.Ordinal)
                || plain.StartsWith(FleetTopics.DetectorsPrefix, StringComparison.Ordinal)
                || plain == FleetTopics.ApiStatus,
            _ => false,
        };
    }

    private const string SharePrefix = "$share/";

    private static string StripShare(string filter)
    {
        if (!filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            return filter;
        }

        var groupEnd = filter.IndexOf('/', SharePrefix.Length);
        return groupEnd < 0 ? string.Empty : filter[(groupEnd + 1)..];
    }
}
