namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// Where notices go, as a sender needs it (secrets already decrypted; never logged, never in a <see cref="DeliveryResult"/>).
/// </summary>
public sealed record AlertDestination
{
    public required long Id { get; init; }

    public required string Name { get; init; }

    /// <summary>One of <see cref="DestinationTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>webhook, ntfy (the topic URL), slack (the incoming-webhook URL); null for e-mail.</summary>
    public Uri? Url { get; init; }

    /// <summary>webhook: the Standard Webhooks signing secret (<c>whsec_…</c>); ntfy: an access token, if the topic needs one.</summary>
    public string? Secret { get; init; }

    /// <summary>e-mail: the recipients' addresses (the SMTP server and sender come from configuration, Alerts:Smtp).</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];
}
