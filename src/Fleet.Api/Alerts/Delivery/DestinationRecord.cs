namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// A stored destination. Secrets (the webhook signing secret, the ntfy token, the Slack URL) are kept only as
/// data-protection ciphertext (<see cref="DestinationSecrets"/>); <see cref="Url"/> holds what may be shown.
/// </summary>
public sealed class DestinationRecord
{
    public long Id { get; set; }

    public required string Name { get; set; }

    /// <summary>One of <see cref="DestinationTypes"/>.</summary>
    public required string Type { get; set; }

    /// <summary>webhook and ntfy: the URL itself; slack: only its scheme and host (the full URL is a secret); e-mail: null.</summary>
    public string? Url { get; set; }

    /// <summary>slack: the incoming-webhook URL, encrypted.</summary>
    public string? ProtectedUrl { get; set; }

    /// <summary>webhook: the signing secret; ntfy: the access token (optional); encrypted.</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>e-mail: the recipients' addresses, one per line.</summary>
    public string? Recipients { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>False: nothing is sent to it; a delivery whose turn comes goes to the dead-letter list (retryable once enabled again).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>When an operator last changed it (null: never): every instance closes its circuit when this moves.</summary>
    public DateTimeOffset? UpdatedAt { get; set; }
}
