using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Alerts.Senders;

/// <summary>
/// The webhook's body, shaped like the Standard Webhooks payload: <c>type</c> (<c>alert.fired</c> or
/// <c>alert.recovered</c>), <c>timestamp</c> (when it happened) and <c>data</c> (the notice).
/// </summary>
public sealed record WebhookPayload(string Type, DateTimeOffset Timestamp, AlertNotice Data)
{
    public static WebhookPayload For(AlertNotice notice) => new($"alert.{notice.Kind}", notice.At, notice);
}

/// <summary>A Slack- or Mattermost-compatible incoming webhook's body.</summary>
public sealed record SlackMessage(string Text);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WebhookPayload))]
[JsonSerializable(typeof(SlackMessage))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class AlertSenderJson : JsonSerializerContext;
