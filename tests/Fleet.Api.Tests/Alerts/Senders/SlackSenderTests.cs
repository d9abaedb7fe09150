using System.Text.Json;
using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Tests.Alerts.Senders;

/// <summary>The Slack/Mattermost sender: <c>{"text": …}</c> as JSON, and Slack's answers ("ok", or one error word).</summary>
public sealed class SlackSenderTests
{
    private static async Task<(DeliveryResult Result, RecordedRequest Request)> SendAsync(int status, string answer)
    {
        await using var slack = await RecordingReceiver.AnswerAsync(status, answer);
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());
        var result = await harness.Sender(DestinationTypes.Slack).SendAsync(Notices.Destination(DestinationTypes.Slack, slack.Url("/services/T000/B000/XXXX")), Notices.Fired(), CancellationToken.None);
        return (result, Assert.Single(slack.Requests));
    }

    [Fact]
    public async Task Slack_Notice_JsonTextWithTitleAndEscapedText()
    {
        var (result, request) = await SendAsync(200, "ok");

        Assert.Equal(DeliveryResult.Delivered(200), result);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body);
        var text = Assert.Single(body.RootElement.EnumerateObject(), p => p.Name == "text").Value.GetString();
        Assert.Equal(
            "3 detectors at tag lab-a lost\ndet-1, det-2, det-3 lost since 10:02 UTC &lt;check the 4G router&gt; &amp; the power",
            text);
    }

    [Theory]
    [InlineData(404, "channel_not_found")]
    [InlineData(410, "channel_is_archived")]
    [InlineData(400, "invalid_payload")]
    [InlineData(403, "action_prohibited")]
    public async Task Slack_ErrorWord_PermanentNamingIt(int status, string word)
    {
        var (result, _) = await SendAsync(status, word);

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Equal($"HTTP {status}: {word}", result.Error);
    }

    [Fact]
    public async Task Slack_RollupError_Retry()
    {
        var (result, _) = await SendAsync(500, "rollup_error");

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Equal("HTTP 500: rollup_error", result.Error);
    }

    [Fact]
    public async Task Slack_ErrorPageNotAWord_NotRepeated()
    {
        var (result, _) = await SendAsync(404, "<html><body>Not found: /services/T000/B000/XXXX</body></html>");

        Assert.Equal("HTTP 404", result.Error);
    }
}
