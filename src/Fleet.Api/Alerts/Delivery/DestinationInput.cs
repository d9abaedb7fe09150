namespace Fleet.Api.Alerts.Delivery;

/// <summary>A destination as an operator creates it (POST /alerts/destinations).</summary>
public sealed record DestinationInput
{
    /// <summary>webhook, ntfy, slack or email.</summary>
    public string? Type { get; init; }

    public string? Name { get; init; }

    /// <summary>webhook, ntfy (the topic URL), slack (the incoming-webhook URL): absolute https (http only where Alerts:Delivery:AllowHttp).</summary>
    public string? Url { get; init; }

    /// <summary>email: the recipients' addresses.</summary>
    public IReadOnlyList<string>? Recipients { get; init; }

    /// <summary>ntfy: an access token, if the topic needs one. Stored encrypted, never shown again.</summary>
    public string? Token { get; init; }
}
