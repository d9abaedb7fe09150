namespace Fleet.Api.Audit;

/// <summary>
/// One operator action (sign-in, a metadata change, a decommission, a credential, an alert setting, a link open).
/// Append-only; never holds a secret: the names of keys, never their material.
/// </summary>
public sealed class AuditRecord
{
    public long Id { get; set; }

    /// <summary>When, on the API's clock.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The API key's name (also for a browser session, which carries its key's name), or "anonymous".</summary>
    public required string Actor { get; set; }

    /// <summary>The client address after the forwarded-headers handling (Http:TrustedProxies); null when unknown.</summary>
    public string? Address { get; set; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; set; }

    /// <summary>What the action was about, e.g. a detector id, <c>rule:5</c>, <c>destination:2</c>; null for a session.</summary>
    public string? Target { get; set; }

    /// <summary>The detector concerned, when there is one: the detector's timeline reads its entries by this.</summary>
    public string? DetectorId { get; set; }

    /// <summary>JSON text: the changed fields before the change (metadata changes only).</summary>
    public string? Before { get; set; }

    /// <summary>JSON text: the changed fields after the change, or a few facts about the action (never a secret).</summary>
    public string? After { get; set; }
}
