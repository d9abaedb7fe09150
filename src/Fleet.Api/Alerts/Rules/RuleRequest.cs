using Fleet.Api.Detectors;
using Fleet.Domain.Identity;

namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// The body of <c>POST /alerts/rules</c> and <c>PUT /alerts/rules/{id}</c>. Durations are whole seconds, like the
/// contract's <c>heartbeatSeconds</c>.
/// </summary>
public sealed record RuleRequest
{
    public string? Name { get; init; }

    /// <summary><c>detector</c> (default) or <c>fleet</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>lost, offline, unreachable, degraded, url-changed, provider-error, epoch-reset, decommissioned.</summary>
    public List<string>? Events { get; init; }

    /// <summary>Selector: these detectors. With <see cref="Tags"/> empty too, every detector.</summary>
    public List<string>? DetectorIds { get; init; }

    /// <summary>Selector: detectors with any of these tags. A fleet rule takes exactly one.</summary>
    public List<string>? Tags { get; init; }

    /// <summary>Flap damping: the bad state must last this long (0..86400, default 0).</summary>
    public int? ForSeconds { get; init; }

    /// <summary>A group waits this long after its first member is due, then fires once (0..3600, default 0).</summary>
    public int? GroupWindowSeconds { get; init; }

    /// <summary>none (default), tag or rule.</summary>
    public string? GroupBy { get; init; }

    /// <summary>Send a "recovered" notice when a fired alert's detectors are back (default true).</summary>
    public bool? Recovery { get; init; }

    /// <summary>Fleet rules: fire above this percentage (0..100) of the tagged detectors in a watched state.</summary>
    public double? ThresholdPercent { get; init; }

    public List<long>? DestinationIds { get; init; }

    public bool? Enabled { get; init; }
}

internal static class RuleValidation
{
    public const int MaxSelectorItems = 1000;
    public const int MaxDamping = 86_400;
    public const int MaxGroupWindow = 3600;

    /// <summary>Checks everything but the destinations' existence (the outbox's table) and fills <paramref name="rule"/>.</summary>
    public static Dictionary<string, string[]> Apply(RuleRequest body, AlertRuleRecord rule)
    {
        var errors = new Dictionary<string, string[]>();
        var kind = body.Kind ?? RuleKinds.Detector;
        if (!RuleKinds.All.Contains(kind))
        {
            errors["kind"] = [$"kind must be one of {string.Join(", ", RuleKinds.All)}."];
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200 || body.Name.Any(char.IsControl))
        {
            errors["name"] = ["name is required: 1 to 200 printable characters."];
        }

        var events = (body.Events ?? []).Distinct(StringComparer.Ordinal).ToList();
        var allowed = kind == RuleKinds.Fleet ? RuleEvents.FleetCountable : RuleEvents.Watchable;
        if (events.Count == 0 || events.Any(e => !allowed.Contains(e)))
        {
            errors["events"] = [$"events must name at least one of {string.Join(", ", allowed)}."];
        }

        var ids = (body.DetectorIds ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count > MaxSelectorItems || ids.Any(id => !DetectorId.IsValid(id)))
        {
            errors["detectorIds"] = [$"detectorIds: at most {MaxSelectorItems} valid detector ids."];
        }

        var tags = (body.Tags ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (tags.Count > DetectorPatch.MaxTags || tags.Any(t => !DetectorPatch.IsValidTag(t)))
        {
            errors["tags"] = [$"tags: at most {DetectorPatch.MaxTags}, each a valid detector tag."];
        }
        else if (kind == RuleKinds.Fleet && (tags.Count != 1 || ids.Count > 0))
        {
            errors["tags"] = ["A fleet rule names exactly one tag (and no detectorIds): the share of the detectors with that tag is watched."];
        }

        CheckRange(body.ForSeconds, 0, MaxDamping, "forSeconds", errors);
        CheckRange(body.GroupWindowSeconds, 0, MaxGroupWindow, "groupWindowSeconds", errors);
        var groupBy = body.GroupBy ?? GroupBy.None;
        if (!GroupBy.All.Contains(groupBy))
        {
            errors["groupBy"] = [$"groupBy must be one of {string.Join(", ", GroupBy.All)}."];
        }

        if (kind == RuleKinds.Fleet && body.ThresholdPercent is not (>= 0 and < 100))
        {
            errors["thresholdPercent"] = ["A fleet rule needs thresholdPercent, from 0 up to (not including) 100."];
        }
        else if (kind == RuleKinds.Detector && body.ThresholdPercent is not null)
        {
            errors["thresholdPercent"] = ["thresholdPercent is for fleet rules only."];
        }

        var destinations = (body.DestinationIds ?? []).Distinct().ToList();
        if (destinations.Count > 100)
        {
            errors["destinationIds"] = ["destinationIds: at most 100."];
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        rule.Name = body.Name!.Trim();
        rule.Kind = kind;
        rule.Events = events;
        rule.DetectorIds = ids;
        rule.Tags = tags;
        rule.Damping = TimeSpan.FromSeconds(body.ForSeconds ?? 0);
        rule.GroupWindow = TimeSpan.FromSeconds(body.GroupWindowSeconds ?? 0);
        rule.GroupBy = kind == RuleKinds.Fleet ? GroupBy.Rule : groupBy;
        rule.Recovery = body.Recovery ?? true;
        rule.ThresholdPercent = body.ThresholdPercent;
        rule.DestinationIds = destinations;
        rule.Enabled = body.Enabled ?? true;
        return errors;
    }

    private static void CheckRange(int? value, int min, int max, string name, Dictionary<string, string[]> errors)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors[name] = [$"{name} must be between {min} and {max} (got {v})."];
        }
    }
}
