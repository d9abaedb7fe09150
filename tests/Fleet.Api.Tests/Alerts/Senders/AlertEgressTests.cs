using System.Net;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Egress;
using Fleet.Domain.Validation;

namespace Fleet.Api.Tests.Alerts.Senders;

/// <summary>
/// Destinations are operator-given addresses: loopback, private and metadata targets are refused (permanently, before
/// any connection) unless Alerts:AllowedNetworks names them, and the address connected to is the one checked, once.
/// 127.0.0.2 plays a public address where a test needs one: it is the only range allowed there.
/// </summary>
public sealed class AlertEgressTests
{
    private static readonly IPAddress Allowed = IPAddress.Parse("127.0.0.2");

    private static Dictionary<string, string?> Only(string network) => new() { ["Alerts:AllowedNetworks:0"] = network };

    private static Task<DeliveryResult> SendAsync(SenderHarness harness, string type, Uri url) =>
        harness.Sender(type).SendAsync(Notices.Destination(type, url, type == DestinationTypes.Webhook ? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" : null), Notices.Fired(), CancellationToken.None);

    [Theory]
    [InlineData(DestinationTypes.Webhook)]
    [InlineData(DestinationTypes.Ntfy)]
    [InlineData(DestinationTypes.Slack)]
    public async Task Sender_LoopbackNotAllowed_RefusedWithoutConnecting(string type)
    {
        await using var receiver = await RecordingReceiver.AnswerAsync(200);
        using var harness = new SenderHarness(new Dictionary<string, string?>());

        var result = await SendAsync(harness, type, receiver.Url());

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Equal("refused: 127.0.0.1 is loopback", result.Error);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Sender_LoopbackAllowed_Delivered()
    {
        await using var receiver = await RecordingReceiver.AnswerAsync(200);
        using var harness = new SenderHarness(Only("127.0.0.0/8"));

        var result = await SendAsync(harness, DestinationTypes.Slack, receiver.Url());

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Single(receiver.Requests);
    }

    [Theory]
    [InlineData("10.0.0.7", "private")]
    [InlineData("192.168.1.20", "private")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("fd00::7", "unique-local")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("169.254.169.254", "cloud metadata")]
    public async Task Sender_NameResolvesToInternalAddress_Refused(string address, string why)
    {
        var resolver = new SequenceEgressResolver([IPAddress.Parse(address)]);
        using var harness = new SenderHarness(Only("127.0.0.2/32"), resolver);

        var result = await SendAsync(harness, DestinationTypes.Webhook, new Uri("https://hooks.example.test/fleet"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.StartsWith($"refused: hooks.example.test resolves to {IPAddress.Parse(address)}", result.Error, StringComparison.Ordinal);
        Assert.Contains(why, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sender_MetadataAddressEvenWhenItsRangeIsAllowed_Refused()
    {
        using var harness = new SenderHarness(Only("169.254.0.0/16"));

        var result = await SendAsync(harness, DestinationTypes.Ntfy, new Uri("http://169.254.169.254/latest/meta-data/"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.StartsWith("refused: 169.254.169.254 is", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sender_NameMixesAllowedAndLoopbackAddresses_Refused()
    {
        await using var receiver = await RecordingReceiver.AnswerAsync(200, address: Allowed);
        var resolver = new SequenceEgressResolver([Allowed, IPAddress.Loopback]);
        using var harness = new SenderHarness(Only("127.0.0.2/32"), resolver);

        var result = await SendAsync(harness, DestinationTypes.Slack, receiver.Url(host: "mixed.example.test"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Sender_NameRebindsToLoopbackOnSecondLookup_ConnectsToFirstCheckedAddressOnly()
    {
        await using var checkedReceiver = await RecordingReceiver.AnswerAsync(200, "checked", address: Allowed);
        await using var loopback = await RecordingReceiver.AnswerAsync(200, "rebound", address: IPAddress.Loopback, port: checkedReceiver.Port);
        var resolver = new SequenceEgressResolver([Allowed], [IPAddress.Loopback]);
        using var harness = new SenderHarness(Only("127.0.0.2/32"), resolver);

        var result = await SendAsync(harness, DestinationTypes.Webhook, checkedReceiver.Url(host: "rebind.example.test"));

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(1, resolver.Calls);
        Assert.Single(checkedReceiver.Requests);
        Assert.Empty(loopback.Requests);
    }

    [Fact]
    public async Task Sender_NameResolvesToLoopbackFirstAndAllowedSecond_RefusedWithoutSecondLookup()
    {
        await using var allowedReceiver = await RecordingReceiver.AnswerAsync(200, address: Allowed);
        var resolver = new SequenceEgressResolver([IPAddress.Loopback], [Allowed]);
        using var harness = new SenderHarness(Only("127.0.0.2/32"), resolver);

        var result = await SendAsync(harness, DestinationTypes.Webhook, allowedReceiver.Url(host: "rebind.example.test"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Equal(1, resolver.Calls);
        Assert.Empty(allowedReceiver.Requests);
    }

    [Fact]
    public async Task Connector_LiteralAddress_CheckedWithoutResolving()
    {
        var resolver = new SequenceEgressResolver([Allowed]);
        var connector = new EgressConnector(resolver, [], TimeSpan.FromSeconds(1));

        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => connector.ConnectAsync("[::1]", 80, CancellationToken.None));

        Assert.Equal(AddressLabels.Loopback, refused.Refusal.Reason);
        Assert.Equal(0, resolver.Calls);
    }

    [Fact]
    public void Options_AllowedNetworkNotANetwork_StartRefusedNamingTheKey()
    {
        using var harness = new SenderHarness(Only("lab network"));

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(harness.ValidateAtStart);

        Assert.Contains("Alerts:AllowedNetworks", failure.Message, StringComparison.Ordinal);
    }
}
