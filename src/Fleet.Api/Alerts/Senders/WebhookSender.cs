using Fleet.Api.Alerts.Delivery;
using StandardWebhooks;

namespace Fleet.Api.Alerts.Senders;

/// <summary>
/// POSTs the notice as JSON signed per Standard Webhooks: <c>webhook-id</c> is the notice's id (stable across retries,
/// so a receiver can drop duplicates), <c>webhook-timestamp</c> the attempt's time, <c>webhook-signature</c>
/// <c>v1,</c> HMAC-SHA256 with the destination's <c>whsec_</c> secret, computed by the StandardWebhooks package.
/// </summary>
internal sealed class WebhookSender(HttpDelivery http, TimeProvider clock) : IAlertSender
{
    private const string SecretPrefix = "whsec_";

    public string Type => DestinationTypes.Webhook;

    public async Task<DeliveryResult> SendAsync(AlertDestination destination, AlertNotice notice, CancellationToken cancellationToken)
    {
        if (destination.Url is null)
        {
            return DeliveryResult.Permanent("the webhook destination has no URL");
        }

        if (Key(destination.Secret) is not { } key)
        {
            return DeliveryResult.Permanent("the webhook destination's secret is not a Standard Webhooks key (whsec_ and base64)");
        }

        var webhook = new StandardWebhook(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, destination.Url)
        {
            Content = webhook.MakeHttpContent(WebhookPayload.For(notice), notice.Id, clock.GetUtcNow(), AlertSenderJson.Default),
        };
        return await http.SendAsync(request, destination.Secret, HttpDelivery.Short, cancellationToken);
    }

    /// <summary>The signing key's bytes: base64 after the optional <c>whsec_</c> prefix, as every Standard Webhooks library reads it.</summary>
    public static byte[]? Key(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return null;
        }

        var text = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) && written > 0 ? bytes[..written] : null;
    }
}
