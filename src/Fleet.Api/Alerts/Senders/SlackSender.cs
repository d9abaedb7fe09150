using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Alerts.Senders;

/// <summary>
/// POSTs <c>{"text": …}</c> to a Slack or Mattermost incoming webhook (Mattermost accepts Slack's shape). Both answer
/// 200 with the body <c>ok</c>; Slack's errors are one word (400 <c>invalid_payload</c>, 403 <c>action_prohibited</c>,
/// 404 <c>channel_not_found</c>/<c>no_service</c>, 410 <c>channel_is_archived</c>, 500 <c>rollup_error</c>), which the
/// result repeats; anything longer is not.
/// </summary>
internal sealed partial class SlackSender(HttpDelivery http) : IAlertSender
{
    public string Type => DestinationTypes.Slack;

    public async Task<DeliveryResult> SendAsync(AlertDestination destination, AlertNotice notice, CancellationToken cancellationToken)
    {
        if (destination.Url is null)
        {
            return DeliveryResult.Permanent("the slack destination has no webhook URL");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, destination.Url)
        {
            Content = JsonContent.Create(new SlackMessage(Text(notice)), AlertSenderJson.Default.SlackMessage),
        };
        return await http.SendAsync(request, destination.Secret, ErrorWord, cancellationToken);
    }

    /// <summary>The title on its own line, then the text; &amp;, &lt; and &gt; escaped as Slack requires of message text.</summary>
    public static string Text(AlertNotice notice) => Escape(notice.Title) + "\n" + Escape(notice.Text);

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string? ErrorWord(string body) => Word().IsMatch(body.Trim()) ? body.Trim() : null;

    [GeneratedRegex("^[a-z0-9_]{1,64}$")]
    private static partial Regex Word();
}
