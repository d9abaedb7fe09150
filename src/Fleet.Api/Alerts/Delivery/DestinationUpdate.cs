namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// A change to a destination (PATCH /alerts/destinations/{id}): each field given replaces the stored one, a field left
/// out keeps it. Secrets are write-only: they can be replaced, never read back.
/// </summary>
public sealed record DestinationUpdate
{
    /// <summary>Optional; if given, the destination's own type: a type cannot change (create another destination).</summary>
    public string? Type { get; init; }

    public string? Name { get; init; }

    /// <summary>webhook, ntfy, slack: the new URL (for Slack the whole incoming-webhook URL again, since it is a secret).</summary>
    public string? Url { get; init; }

    /// <summary>email: the new recipients (the whole list).</summary>
    public IReadOnlyList<string>? Recipients { get; init; }

    /// <summary>ntfy: a new access token; an empty string removes it.</summary>
    public string? Token { get; init; }

    /// <summary>webhook: true makes a new signing secret, returned once in <c>signingSecret</c> of this answer.</summary>
    public bool? RotateSecret { get; init; }

    /// <summary>False: nothing is sent to it; its deliveries go to the dead-letter list when their turn comes.</summary>
    public bool? Enabled { get; init; }
}
