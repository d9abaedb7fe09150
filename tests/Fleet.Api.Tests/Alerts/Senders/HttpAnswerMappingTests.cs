using System.Globalization;
using System.Net;
using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Tests.Alerts.Senders;

/// <summary>How an HTTP destination's answer becomes a delivery result (one rule for webhook, ntfy and Slack), and that an error never repeats the URL's query or a secret.</summary>
public sealed class HttpAnswerMappingTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static Task<DeliveryResult> SendAsync(SenderHarness harness, Uri url) =>
        harness.Sender(DestinationTypes.Webhook).SendAsync(Notices.Destination(DestinationTypes.Webhook, url, Secret), Notices.Fired(), CancellationToken.None);

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    [InlineData(204)]
    public async Task Answer_2xx_Delivered(int status)
    {
        await using var receiver = await RecordingReceiver.AnswerAsync(status);
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        Assert.Equal(DeliveryResult.Delivered(status), await SendAsync(harness, receiver.Url()));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Answer_TimeoutOr5xx_Retry(int status)
    {
        await using var receiver = await RecordingReceiver.AnswerAsync(status, "busy");
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        var result = await SendAsync(harness, receiver.Url());

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Equal(status, result.Status);
    }

    [Fact]
    public async Task Answer_429WithRetryAfter_RetryAfterThatDelay()
    {
        await using var receiver = await RecordingReceiver.AnswerAsync(429, headers: ("Retry-After", "120"));
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        var result = await SendAsync(harness, receiver.Url());

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Equal(429, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(413)]
    public async Task Answer_Other4xx_Permanent(int status)
    {
        await using var receiver = await RecordingReceiver.AnswerAsync(status);
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        var result = await SendAsync(harness, receiver.Url());

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Equal(status, result.Status);
    }

    [Fact]
    public async Task Answer_Redirect_NotFollowedAndPermanent()
    {
        await using var target = await RecordingReceiver.AnswerAsync(200);
        await using var receiver = await RecordingReceiver.AnswerAsync(307, headers: ("Location", target.Url().ToString()));
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        var result = await SendAsync(harness, receiver.Url());

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Equal(307, result.Status);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task Destination_NothingListening_RetryWithoutTheUrl()
    {
        var port = FreePort.Next();
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        var result = await SendAsync(harness, new Uri($"http://127.0.0.1:{port}/hook?token=QUERYSECRET"));

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.DoesNotContain("QUERYSECRET", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(port.ToString(CultureInfo.InvariantCulture), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destination_NeverAnswers_RetryAfterTheSendTimeout()
    {
        await using var receiver = await RecordingReceiver.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed(("Alerts:SendTimeout", "00:00:01")));

        var result = await SendAsync(harness, receiver.Url());

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.StartsWith("timeout", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DestinationTypes.Webhook)]
    [InlineData(DestinationTypes.Ntfy)]
    [InlineData(DestinationTypes.Slack)]
    public async Task Destination_ConnectNeverAnswered_RetryTimeoutNotThrown(string type)
    {
        using var blackhole = new BlackholePort();
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed(("Alerts:SendTimeout", "00:00:01")));

        var result = await harness.Sender(type).SendAsync(
            Notices.Destination(type, new Uri($"http://127.0.0.1:{blackhole.Port}/hook"), type == DestinationTypes.Webhook ? Secret : null), Notices.Fired(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.StartsWith("timeout", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_AnswerEchoesQueryAndSecret_NeitherInTheResult()
    {
        await using var receiver = await RecordingReceiver.StartAsync(async context =>
        {
            context.Response.StatusCode = 500;
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(
                context.Response, $"failed {context.Request.QueryString} {context.Request.Headers["webhook-signature"]} {Secret}", context.RequestAborted);
        });
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        var result = await SendAsync(harness, receiver.Url("/hook?token=QUERYSECRET"));

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        var signature = Assert.Single(receiver.Requests).Headers["webhook-signature"];
        Assert.DoesNotContain("QUERYSECRET", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destination_NotHttp_PermanentWithoutConnecting()
    {
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        var result = await SendAsync(harness, new Uri("ftp://127.0.0.1/hook"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
    }

    [Fact]
    public async Task Sender_ManyNotices_OneLongLivedConnectionReused()
    {
        var connections = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await using var receiver = await RecordingReceiver.StartAsync(context =>
        {
            connections.AddOrUpdate(context.Connection.Id, 1, (_, n) => n + 1);
            context.Response.StatusCode = (int)HttpStatusCode.NoContent;
            return Task.CompletedTask;
        });
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(DeliveryOutcome.Delivered, (await SendAsync(harness, receiver.Url())).Outcome);
        }

        Assert.Equal(3, Assert.Single(connections).Value);
    }
}
