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

    /// <summary>
    /// The destination as if created with the update applied: what <see cref="DestinationValidation"/> checks, exactly as
    /// for a creation. Secrets left out are the stored ones (decrypted), so a Slack URL need not be given again.
    /// </summary>
    public static DestinationInput Merge(DestinationRecord record, DestinationUpdate update, DestinationSecrets secrets)
    {
        var storedUrl = record.Type == DestinationTypes.Slack ? secrets.Unprotect(record.ProtectedUrl) : record.Url;
        var storedToken = record.Type == DestinationTypes.Ntfy ? secrets.Unprotect(record.ProtectedSecret) : null;
        return new DestinationInput
        {
            Type = record.Type,
            Name = update.Name ?? record.Name,
            Url = update.Url ?? storedUrl,
            Recipients = update.Recipients ?? (record.Type == DestinationTypes.Email ? Split(record.Recipients) : null),
            Token = update.Token is null ? storedToken : update.Token.Length == 0 ? null : update.Token,
        };
    }

    /// <summary>Writes a validated <paramref name="merged"/> input over <paramref name="record"/>; a new signing secret if one is given.</summary>
    public static void Apply(DestinationRecord record, DestinationInput merged, bool? enabled, string? newSigningSecret, DestinationSecrets secrets, DateTimeOffset now)
    {
        var fresh = ToRecord(merged, newSigningSecret, secrets, record.CreatedAt);
        record.Name = fresh.Name;
        record.Url = fresh.Url;
        record.ProtectedUrl = fresh.ProtectedUrl;
        record.Recipients = fresh.Recipients;
        if (record.Type != DestinationTypes.Webhook || newSigningSecret is not null)
        {
            record.ProtectedSecret = fresh.ProtectedSecret;
        }

        record.Enabled = enabled ?? record.Enabled;
        record.UpdatedAt = now;
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
        record.CreatedAt)
    {
        Enabled = record.Enabled,
        UpdatedAt = record.UpdatedAt,
    };

    private static string[] Split(string? recipients) => recipients?.Split('\n') ?? [];
}
