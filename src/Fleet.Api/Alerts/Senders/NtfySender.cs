using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Alerts.Senders;

/// <summary>
/// POSTs the notice's text to an ntfy topic URL (ntfy.sh or self-hosted) the way ntfy's publishing documentation
/// describes: the body is the message, <c>Title</c>, <c>Priority</c> (<c>high</c> when an alert fires, <c>default</c>
/// when it recovers) and <c>Tags</c> (emoji short codes and words) as headers, <c>Authorization: Bearer</c> with the
/// destination's access token when it has one. A header value that is not ASCII is sent RFC 2047-encoded, which
/// ntfy decodes. <c>X-Sequence-ID</c> is <c>fleet-alert-{alertId}</c> (ntfy 2.16 and later; older servers ignore it):
/// every notice of one alert is one sequence, so the app replaces the "fired" notification with the "recovered" one,
/// and a notice delivered twice (at-least-once) replaces itself instead of showing twice. ntfy has no server-side
/// de-duplication of publishes.
/// </summary>
internal sealed class NtfySender(HttpDelivery http) : IAlertSender
{
    public string Type => DestinationTypes.Ntfy;

    public async Task<DeliveryResult> SendAsync(AlertDestination destination, AlertNotice notice, CancellationToken cancellationToken)
    {
        if (destination.Url is null)
        {
            return DeliveryResult.Permanent("the ntfy destination has no topic URL");
        }

        var fired = notice.Kind == NoticeKinds.Fired;
        using var request = new HttpRequestMessage(HttpMethod.Post, destination.Url)
        {
            Content = new StringContent(notice.Text, Encoding.UTF8, "text/plain"),
        };
        request.Headers.TryAddWithoutValidation("Title", HeaderText(notice.Title));
        request.Headers.TryAddWithoutValidation("Priority", fired ? "high" : "default");
        request.Headers.TryAddWithoutValidation("Tags", HeaderText(string.Join(',', fired ? "rotating_light" : "white_check_mark", notice.Event, notice.Kind)));
        if (SequenceId(notice) is { } sequence)
        {
            request.Headers.TryAddWithoutValidation("X-Sequence-ID", sequence);
        }

        if (!string.IsNullOrEmpty(destination.Secret))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", destination.Secret);
        }

        return await http.SendAsync(request, destination.Secret, ErrorText, cancellationToken);
    }

    /// <summary>The alert's ntfy sequence (letters, digits and dashes, as topic names); none for a test notice (no alert).</summary>
    public static string? SequenceId(AlertNotice notice) =>
        notice.AlertId > 0 ? string.Create(CultureInfo.InvariantCulture, $"fleet-alert-{notice.AlertId}") : null;

    /// <summary>ASCII as it is; anything else as an RFC 2047 encoded word (<c>=?UTF-8?B?…?=</c>), one line.</summary>
    public static string HeaderText(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return Ascii.IsValid(line) && !line.Contains("=?", StringComparison.Ordinal)
            ? line
            : $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(line))}?=";
    }

    /// <summary>ntfy answers errors as JSON with an <c>error</c> text (e.g. "unauthorized"); anything else is not repeated.</summary>
    private static string? ErrorText(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? HttpDelivery.Short(error.GetString())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
