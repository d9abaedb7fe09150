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
    /// <summary>webhook: the Standard Webhooks signing secret, in the answer to the creation only.</summary>
    public string? SigningSecret { get; init; }
}

/// <summary>What a test notice to a destination came to.</summary>
public sealed record DestinationTestView(string Outcome, int? Status, string? Error);
