namespace Fleet.Api.Alerts.Delivery;

/// <summary>Between the stored destination, what a sender gets (secrets decrypted) and what the API shows (none).</summary>
internal static class DestinationMapping
{
    public static DestinationRecord ToRecord(DestinationInput input, string? signingSecret, DestinationSecrets secrets, DateTimeOffset now)
    {
        var type = input.Type!;
        var url = input.Url is null ? null : new Uri(input.Url);
        return new DestinationRecord
        {
            Name = input.Name!,
            Type = type,
            // The Slack URL is the credential itself: only its scheme and host are shown.
            Url = type == DestinationTypes.Slack ? $"{url!.Scheme}://{url.Authority}/…" : url?.AbsoluteUri,
            ProtectedUrl = type == DestinationTypes.Slack ? secrets.Protect(url!.AbsoluteUri) : null,
            ProtectedSecret = secrets.Protect(type == DestinationTypes.Webhook ? signingSecret : input.Token),
            Recipients = input.Recipients is { Count: > 0 } r ? string.Join('\n', r) : null,
            CreatedAt = now,
        };
    }

    public static AlertDestination ToDestination(DestinationRecord record, DestinationSecrets secrets) => new()
    {
        Id = record.Id,
        Name = record.Name,
        Type = record.Type,
        Url = record.Type == DestinationTypes.Slack
            ? new Uri(secrets.Unprotect(record.ProtectedUrl)!)
            : record.Url is null ? null : new Uri(record.Url),
        Secret = secrets.Unprotect(record.ProtectedSecret),
        Recipients = Split(record.Recipients),
    };

    public static DestinationView ToView(DestinationRecord record) => new(
        record.Id,
        record.Type,
        record.Name,
        record.Url,
        record.Type == DestinationTypes.Email ? Split(record.Recipients) : null,
        record.ProtectedSecret is not null || record.ProtectedUrl is not null,
        record.CreatedAt);

    private static string[] Split(string? recipients) => recipients?.Split('\n') ?? [];
}
