using System.Text.Json.Nodes;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// One message to people about one alert: that it fired or that it recovered, for one detector or a group of them.
/// <see cref="Id"/> is stable across retries of the same notice (the webhook's <c>webhook-id</c>, ntfy's and e-mail's
/// deduplication key), so a receiver can drop the duplicates that at-least-once delivery allows.
/// </summary>
public sealed record AlertNotice
{
    /// <summary>Stable per notice, e.g. <c>alert-42-fired</c>; never reused for another notice.</summary>
    public required string Id { get; init; }

    /// <summary><see cref="NoticeKinds.Fired"/>, <see cref="NoticeKinds.Recovered"/> or <see cref="NoticeKinds.Resolved"/>.</summary>
    public required string Kind { get; init; }

    public required long AlertId { get; init; }

    public required long RuleId { get; init; }

    public required string RuleName { get; init; }

    /// <summary>The event type the rule watches (lost, offline, unreachable, …) or <c>fleet-lost</c> for a fleet-level rule.</summary>
    public required string Event { get; init; }

    /// <summary>One line for a subject or a push title, e.g. "12 detectors at tag lab-a lost".</summary>
    public required string Title { get; init; }

    /// <summary>A few lines of plain text for people: which detectors, since when, what is wrong.</summary>
    public required string Text { get; init; }

    /// <summary>Every detector this notice is about (one, or the group's members).</summary>
    public required IReadOnlyList<string> DetectorIds { get; init; }

    /// <summary>What grouped the detectors (e.g. <c>tag:lab-a</c>), or null for a notice about one detector.</summary>
    public string? Group { get; init; }

    /// <summary>When the alert fired (or recovered).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Anything else a machine receiver may want (the triggering events' ids, the fleet-level percentage, …).</summary>
    public JsonObject? Data { get; init; }
}
