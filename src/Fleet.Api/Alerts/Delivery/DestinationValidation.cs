using System.Net.Mail;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>The rules for a destination an operator gives: one problem entry per bad field.</summary>
internal static class DestinationValidation
{
    public const int MaxRecipients = 50;
    public const int MaxUrlLength = 2048;
    public const int MaxTokenLength = 512;

    public static Dictionary<string, string[]> Validate(DestinationInput input, bool allowHttp)
    {
        var errors = new Dictionary<string, string[]>();
        if (input.Type is null || !DestinationTypes.All.Contains(input.Type))
        {
            errors["type"] = [$"Must be one of: {string.Join(", ", DestinationTypes.All)}."];
        }

        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > 200 || input.Name.Trim() != input.Name)
        {
            errors["name"] = ["Required: 1 to 200 characters, no leading or trailing spaces."];
        }

        if (input.Type == DestinationTypes.Email)
        {
            ValidateRecipients(input.Recipients, errors);
            if (input.Url is not null)
            {
                errors["url"] = ["An e-mail destination has recipients, not a URL."];
            }
        }
        else if (input.Type is not null && DestinationTypes.All.Contains(input.Type))
        {
            if (UrlError(input.Url, allowHttp) is { } urlError)
            {
                errors["url"] = [urlError];
            }

            if (input.Recipients is { Count: > 0 })
            {
                errors["recipients"] = ["Only an e-mail destination has recipients."];
            }
        }

        if (input.Token is not null && (input.Type != DestinationTypes.Ntfy || input.Token.Length is 0 or > MaxTokenLength))
        {
            errors["token"] = [$"Only an ntfy destination has a token, of 1 to {MaxTokenLength} characters."];
        }

        return errors;
    }

    /// <summary>Why <paramref name="url"/> cannot be a destination, or null. Egress (which addresses) is checked when sending.</summary>
    public static string? UrlError(string? url, bool allowHttp)
    {
        var schemes = allowHttp ? "https (or http)" : "https";
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return $"Required: an absolute {schemes} URL of at most {MaxUrlLength} characters.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(allowHttp && uri.Scheme == Uri.UriSchemeHttp))
        {
            return allowHttp
                ? "Must be an https or http URL."
                : "Must be an https URL (http only where Alerts:Delivery:AllowHttp is true).";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            // Credentials in a URL end up in logs and proxies; ntfy takes a token instead.
            return "Must not carry a user name or password.";
        }

        return string.IsNullOrEmpty(uri.Fragment) ? null : "Must not have a fragment (#…).";
    }

    private static void ValidateRecipients(IReadOnlyList<string>? recipients, Dictionary<string, string[]> errors)
    {
        if (recipients is null || recipients.Count == 0 || recipients.Count > MaxRecipients)
        {
            errors["recipients"] = [$"Required: 1 to {MaxRecipients} e-mail addresses."];
            return;
        }

        // A bare address (no display name, no list): what the SMTP envelope takes, and nothing a header could be smuggled in.
        var bad = recipients.Where(r => r is null || r.Length > 254 || !MailAddress.TryCreate(r, out var address)
            || address.Address != r || !string.IsNullOrEmpty(address.DisplayName) || r.Any(c => char.IsWhiteSpace(c) || c is ',' or ';' or '<' or '>'))
            .ToList();
        if (bad.Count > 0)
        {
            errors["recipients"] = [$"Not a plain e-mail address: {string.Join(", ", bad.Take(5))}."];
        }
        else if (recipients.Distinct(StringComparer.OrdinalIgnoreCase).Count() != recipients.Count)
        {
            errors["recipients"] = ["An address appears twice."];
        }
    }
}
