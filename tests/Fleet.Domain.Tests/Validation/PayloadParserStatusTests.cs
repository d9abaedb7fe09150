using Fleet.Domain.Messages;
using Fleet.Domain.Tests.Golden;
using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Validation;

public sealed class PayloadParserStatusTests
{
    [Theory]
    [InlineData("status-online.json", Presence.Online)]
    [InlineData("status-lost.json", Presence.Lost)]
    public void ParseStatus_GoldenPayload_IsValid(string file, Presence expected)
    {
        var result = PayloadParser.ParseStatus(Payload.Of(GoldenFile.Read(file)));

        Assert.True(result.IsValid, result.Error?.Detail);
        Assert.Equal(expected, result.Value.State);
        Assert.Equal(12, result.Value.Epoch);
    }

    [Theory]
    [InlineData("""{"state":"online","epoch":1}""", Presence.Online)]
    [InlineData("""{"state":"offline","epoch":1,"reason":"shutdown"}""", Presence.Offline)]
    [InlineData("""{"state":"lost","epoch":0,"at":null,"reason":"connection-lost"}""", Presence.Lost)]
    [InlineData("""{"state":"online","epoch":1,"future":{"x":[1,2]}}""", Presence.Online)]
    public void ParseStatus_MinimalOrExtendedPayload_IsValid(string json, Presence expected)
    {
        var result = PayloadParser.ParseStatus(Payload.Of(json));

        Assert.True(result.IsValid, result.Error?.Detail);
        Assert.Equal(expected, result.Value.State);
    }

    [Fact]
    public void ParseStatus_MultiSegmentPayload_IsValid()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(GoldenFile.Read("status-lost.json"));

        var result = PayloadParser.ParseStatus(Payload.InSegments(bytes, 3));

        Assert.True(result.IsValid, result.Error?.Detail);
        Assert.Equal("connection-lost", result.Value.Reason);
    }

    [Theory]
    [InlineData("""{"state":"unknown","epoch":1}""")]
    [InlineData("""{"state":"banana","epoch":1}""")]
    [InlineData("""{"state":"","epoch":1}""")]
    [InlineData("""{"state":null,"epoch":1}""")]
    [InlineData("""{"state":7,"epoch":1}""")]
    [InlineData("""{"state":"7","epoch":1}""")]
    [InlineData("""{"epoch":1}""")]
    [InlineData("""{"state":"online"}""")]
    [InlineData("""{"state":"online","epoch":"x"}""")]
    [InlineData("""{"state":"online","epoch":1.5}""")]
    [InlineData("""{"state":"online","epoch":-1}""")]
    [InlineData("""{"state":"online","epoch":1,"at":"not a time"}""")]
    [InlineData("""{"state":"online","epoch":1,"reason":42}""")]
    [InlineData("""{"state":"online, offline","epoch":1}""")]
    [InlineData("""{"state":"Online","epoch":1}""")]
    [InlineData("""{"state":1,"epoch":1}""")]
    [InlineData("""{"state":"online","epoch":"12"}""")]
    public void ParseStatus_BadField_IsInvalidFields(string json) =>
        AssertRejected(Payload.Of(json), RejectionReason.InvalidFields);

    [Fact]
    public void ParseStatus_OverlongReason_IsInvalidFields() =>
        AssertRejected(
            Payload.Of($$"""{"state":"lost","epoch":1,"reason":"{{new string('r', PayloadParser.MaxTextLength + 1)}}"}"""),
            RejectionReason.InvalidFields);

    [Theory]
    [InlineData("")]
    [InlineData("online")]
    [InlineData("[\"online\"]")]
    [InlineData("{\"state\":\"online\",\"epoch\":1")]
    public void ParseStatus_NotAJsonObject_IsNotJson(string payload) =>
        AssertRejected(Payload.Of(payload), RejectionReason.NotJson);

    [Fact]
    public void ParseStatus_OverMaxSize_IsTooLarge() =>
        AssertRejected(
            Payload.Of($$"""{"state":"lost","epoch":1,"pad":"{{new string('p', PayloadParser.MaxPayloadBytes)}}"}"""),
            RejectionReason.TooLarge);

    private static void AssertRejected(System.Buffers.ReadOnlySequence<byte> payload, RejectionReason reason)
    {
        var result = PayloadParser.ParseStatus(payload);

        Assert.False(result.IsValid, $"the payload was accepted as {result.Value?.State}");
        Assert.Equal(reason, result.Error.Reason);
    }
}
