namespace Fleet.Api.Alerts.Delivery;

/// <summary>A destination as the API shows it: secrets never, except a webhook's signing secret once, in the creation's answer.</summary>
public sealed record DestinationView(
    long Id,
    string Type,
    string Name,
    string? Url,
    IReadOnlyList<string>? Recipients,
    bool HasSecret,
    DateTimeOffset CreatedAt)
{
    /// <summary>False: nothing is sent to it (PATCH enabled).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>When it was last changed, if ever.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>webhook: the Standard Webhooks signing secret, in the answer to its creation or a rotation only.</summary>
    public string? SigningSecret { get; init; }
}

/// <summary>What a test notice to a destination came to.</summary>
public sealed record DestinationTestView(string Outcome, int? Status, string? Error);
