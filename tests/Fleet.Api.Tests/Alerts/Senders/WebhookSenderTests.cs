using System.Text.Json;
using Fleet.Api.Alerts.Delivery;
using Fleet.Testing.Alerts;

namespace Fleet.Api.Tests.Alerts.Senders;

/// <summary>
/// The webhook sender against a receiver that verifies with the standardwebhooks npm package (an independent
/// implementation), and the answers it maps: 2xx delivered; 408, 429, 5xx retry; other 4xx and redirects permanent.
/// </summary>
public sealed class WebhookSenderTests(WebhookSenderTests.Receiver fixture) : IClassFixture<WebhookSenderTests.Receiver>
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string OtherSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

    private readonly StandardWebhooksReceiver receiver = fixture.Process;

    /// <summary>What the receiver recorded for one notice id (the receiver is shared by the class's tests).</summary>
    private async Task<IReadOnlyList<ReceivedWebhook>> ReceivedAsync(string id) => [.. (await receiver.RequestsAsync()).Where(r => r.Id == id)];

    [Fact]
    public async Task Webhook_SignedNotice_VerifiesWithIndependentLibrary()
    {
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());
        var notice = Notices.Fired("alert-1-fired");

        var result = await harness.Sender(DestinationTypes.Webhook).SendAsync(Notices.Destination(DestinationTypes.Webhook, receiver.Url, Secret), notice, CancellationToken.None);

        Assert.Equal(DeliveryResult.Delivered(204), result);
        var received = Assert.Single(await ReceivedAsync(notice.Id));
        Assert.True(received.Verified, $"the receiver did not verify the signature: {received.Error}");
        Assert.Equal(notice.Id, received.Id);
        Assert.Equal("POST", received.Method);
        Assert.StartsWith("application/json", received.ContentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("alert.fired", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(notice.At, body.RootElement.GetProperty("timestamp").GetDateTimeOffset());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(notice.Id, data.GetProperty("id").GetString());
        Assert.Equal(["det-1", "det-2", "det-3"], data.GetProperty("detectorIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("tag:lab-a", data.GetProperty("group").GetString());
        Assert.Equal(3, data.GetProperty("data").GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Webhook_Recovered_TypeIsAlertRecovered()
    {
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        var result = await harness.Sender(DestinationTypes.Webhook).SendAsync(Notices.Destination(DestinationTypes.Webhook, receiver.Url, Secret), Notices.Recovered(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var received = Assert.Single(await ReceivedAsync(Notices.Recovered().Id));
        Assert.True(received.Verified, received.Error);
        Assert.Equal("alert.recovered", JsonDocument.Parse(received.Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Webhook_WrongSecret_ReceiverRejectsSignatureAndResultIsPermanent()
    {
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        var result = await harness.Sender(DestinationTypes.Webhook).SendAsync(Notices.Destination(DestinationTypes.Webhook, receiver.Url, OtherSecret), Notices.Fired("alert-2-fired"), CancellationToken.None);

        var received = Assert.Single(await ReceivedAsync("alert-2-fired"));
        Assert.False(received.Verified);
        Assert.Contains("signature", received.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Equal(401, result.Status);
        Assert.DoesNotContain(OtherSecret[6..], result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("whsec_not base64!")]
    public async Task Webhook_SecretNotAKey_PermanentWithoutSending(string? secret)
    {
        using var harness = new SenderHarness(SenderHarness.LoopbackAllowed());

        var result = await harness.Sender(DestinationTypes.Webhook).SendAsync(Notices.Destination(DestinationTypes.Webhook, receiver.Url, secret), Notices.Fired("alert-3-fired"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Empty(await ReceivedAsync("alert-3-fired"));
    }

    /// <summary>One receiver process for the class: it verifies with <see cref="Secret"/>.</summary>
    public sealed class Receiver : IAsyncLifetime
    {
        public StandardWebhooksReceiver Process { get; private set; } = null!;

        public async Task InitializeAsync() => Process = await StandardWebhooksReceiver.StartAsync(Secret);

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }
}
