using System.Text;
using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Tests.Alerts.Senders;

/// <summary>The ntfy sender's request as ntfy's publishing documentation describes it: the text as the body, Title, Priority, Tags and a Bearer token as headers.</summary>
public sealed class NtfySenderTests
{
    private static async Task<(DeliveryResult Result, RecordedRequest Request)> SendAsync(AlertNotice notice, string? token = null, int status = 200, string answer = "{\"id\":\"abc\"}")
    {
        await using var ntfy = await RecordingReceiver.AnswerAsync(status, answer);
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());
        var result = await harness.Sender(DestinationTypes.Ntfy).SendAsync(Notices.Destination(DestinationTypes.Ntfy, ntfy.Url("/fleet-alerts"), token), notice, CancellationToken.None);
        return (result, Assert.Single(ntfy.Requests));
    }

    [Fact]
    public async Task Ntfy_Fired_TextBodyWithTitleHighPriorityAndTags()
    {
        var notice = Notices.Fired();

        var (result, request) = await SendAsync(notice);

        Assert.Equal(DeliveryResult.Delivered(200), result);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/fleet-alerts", request.PathAndQuery);
        Assert.Equal(notice.Text, request.Body);
        Assert.StartsWith("text/plain", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(notice.Title, request.Headers["Title"]);
        Assert.Equal("high", request.Headers["Priority"]);
        Assert.Equal("rotating_light,lost,fired", request.Headers["Tags"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Ntfy_Recovered_DefaultPriority()
    {
        var (result, request) = await SendAsync(Notices.Recovered());

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal("default", request.Headers["Priority"]);
        Assert.Equal("white_check_mark,lost,recovered", request.Headers["Tags"]);
    }

    [Fact]
    public async Task Ntfy_FiredThenRecovered_OneSequenceIdPerAlert_SoTheAppReplacesTheNotification()
    {
        var (_, fired) = await SendAsync(Notices.Fired());
        var (_, recovered) = await SendAsync(Notices.Recovered());
        var (_, other) = await SendAsync(Notices.Fired() with { Id = "alert-43-fired", AlertId = 43 });

        Assert.Equal("fleet-alert-42", fired.Headers["X-Sequence-ID"]);
        Assert.Equal(fired.Headers["X-Sequence-ID"], recovered.Headers["X-Sequence-ID"]);
        Assert.Equal("fleet-alert-43", other.Headers["X-Sequence-ID"]);
    }

    [Fact]
    public async Task Ntfy_WithToken_BearerAuthorization()
    {
        var (_, request) = await SendAsync(Notices.Fired(), token: "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2");

        Assert.Equal("Bearer tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task Ntfy_TitleNotAscii_SentAsRfc2047EncodedWord()
    {
        var notice = Notices.Fired(title: "Détecteurs de l'étage 3 perdus ⚠");

        var (result, request) = await SendAsync(notice);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var title = request.Headers["Title"];
        Assert.StartsWith("=?UTF-8?B?", title, StringComparison.Ordinal);
        Assert.Equal(notice.Title, Encoding.UTF8.GetString(Convert.FromBase64String(title["=?UTF-8?B?".Length..^2])));
    }

    [Fact]
    public async Task Ntfy_Forbidden_PermanentWithNtfysErrorText()
    {
        var (result, _) = await SendAsync(Notices.Fired(), token: "tk_wrong", status: 403,
            answer: "{\"code\":40301,\"http\":403,\"error\":\"forbidden\",\"link\":\"https://docs.ntfy.sh/publish/#authentication\"}");

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Equal("HTTP 403: forbidden", result.Error);
    }
}
