namespace Fleet.Api.Alerts.Rules;

public static class RuleKinds
{
    /// <summary>Each selected detector's own events.</summary>
    public const string Detector = "detector";

    /// <summary>The share of the detectors with one tag that are lost, offline or unreachable.</summary>
    public const string Fleet = "fleet";

    public static IReadOnlyList<string> All { get; } = [Detector, Fleet];
}

/// <summary>What pending detectors of one rule fire together as one alert.</summary>
public static class GroupBy
{
    /// <summary>Each detector alone.</summary>
    public const string None = "none";

    /// <summary>By tag: the first of the rule's tags the detector carries, or its own first tag for a rule without tags.</summary>
    public const string Tag = "tag";

    /// <summary>Every detector of the rule together.</summary>
    public const string Rule = "rule";

    public static IReadOnlyList<string> All { get; } = [None, Tag, Rule];
}

/// <summary>The group key of a pending detector (<see cref="AlertStateRecord.GroupKey"/>), fixed when it turns bad.</summary>
internal static class GroupKeys
{
    public const string RulePrefix = "rule";
    public const string DetectorPrefix = "detector:";
    public const string TagPrefix = "tag:";
    public const string Untagged = "tag:";

    public static string For(AlertRuleRecord rule, string detectorId, IReadOnlyList<string> detectorTags) => rule.GroupBy switch
    {
        GroupBy.Rule => RulePrefix,
        GroupBy.Tag => TagPrefix + (rule.Tags.Count > 0 ? detectorTags.FirstOrDefault(rule.Tags.Contains) : detectorTags.Count > 0 ? detectorTags[0] : null),
        _ => DetectorPrefix + detectorId,
    };

    /// <summary>The alert's group as shown (null for one detector).</summary>
    public static string? Shown(string key) => key.StartsWith(DetectorPrefix, StringComparison.Ordinal) ? null : key;
}
