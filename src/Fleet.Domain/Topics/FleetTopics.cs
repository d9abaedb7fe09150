using Fleet.Domain.Identity;

namespace Fleet.Domain.Topics;

/// <summary>Topic names of the wire contract (version 1).</summary>
public static class FleetTopics
{
    public const string Root = "fleet/v1";
    public const string DetectorsPrefix = Root + "/detectors/";
    public const string RegistryPrefix = Root + "/registry/";
    public const string EventsPrefix = Root + "/events/";
    public const string ApiStatus = Root + "/api/status";
    public const string ControlResync = Root + "/control/resync";

    /// <summary>What the API subscribes to: every detector's status and state.</summary>
    public const string AllDetectorTopics = DetectorsPrefix + "+/+";

    public static string Status(string detectorId) => $"{DetectorsPrefix}{detectorId}/status";

    public static string State(string detectorId) => $"{DetectorsPrefix}{detectorId}/state";

    public static string Registry(string detectorId) => RegistryPrefix + detectorId;

    public static string Events(string detectorId) => EventsPrefix + detectorId;

    /// <summary>A shared subscription filter (MQTT 5) so several API instances split the stream.</summary>
    public static string Shared(string group, string filter) => $"$share/{group}/{filter}";

    /// <summary>
    /// Parses <c>fleet/v1/detectors/{id}/{status|state}</c>, exactly five levels. Anything else (extra levels, an
    /// invalid id, another leaf) is refused so that a broker misconfiguration cannot smuggle in other topics.
    /// </summary>
    public static bool TryParseDetectorTopic(string topic, out string detectorId, out DetectorTopicKind kind)
    {
        detectorId = string.Empty;
        kind = default;
        if (!topic.StartsWith(DetectorsPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic.AsSpan(DetectorsPrefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var id = rest[..slash].ToString();
        var leaf = rest[(slash + 1)..];
        if (!DetectorId.IsValid(id))
        {
            return false;
        }

        if (leaf.SequenceEqual("status"))
        {
            kind = DetectorTopicKind.Status;
        }
        else if (leaf.SequenceEqual("state"))
        {
            kind = DetectorTopicKind.State;
        }
        else
        {
            return false;
        }

        detectorId = id;
        return true;
    }
}
