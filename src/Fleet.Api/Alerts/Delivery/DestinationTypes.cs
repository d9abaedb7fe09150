namespace Fleet.Api.Alerts.Delivery;

public static class DestinationTypes
{
    /// <summary>JSON POST signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).</summary>
    public const string Webhook = "webhook";

    /// <summary>An ntfy topic URL (ntfy.sh or self-hosted).</summary>
    public const string Ntfy = "ntfy";

    /// <summary>A Slack- or Mattermost-compatible incoming webhook.</summary>
    public const string Slack = "slack";

    /// <summary>E-mail through the SMTP server of Alerts:Smtp.</summary>
    public const string Email = "email";

    public static IReadOnlyList<string> All { get; } = [Webhook, Ntfy, Slack, Email];
}
