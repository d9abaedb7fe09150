using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Domain.Messages;
using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Validation;

public sealed class PayloadParserStateTests
{
    private const string TopicId = "pi-042";

    [Fact]
    public void ParseState_ContractExample_IsValid()
    {
        var result = PayloadParser.ParseState(Payload.Of(Payload.State()), TopicId, UrlPolicy.Open);

        Assert.True(result.IsValid, result.Error?.Detail);
        Assert.Null(result.Error);
        Assert.Equal("pi-042", result.Value.DetectorId);
        Assert.Equal(12, result.Value.Epoch);
        Assert.Equal(345, result.Value.Seq);
        Assert.Equal(["web", "ssh"], result.Value.Tunnels.Select(t => t.Name));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void ParseState_MultiSegmentPayload_ParsesLikeOneSegment(int segmentLength)
    {
        // A non-ASCII character makes segment boundaries fall inside multi-byte sequences too.
        var state = Payload.State();
        state["agent"]!["os"] = "Raspbian «bookworm» ü";
        var bytes = Encoding.UTF8.GetBytes(state.ToJsonString());
        var sequence = Payload.InSegments(bytes, segmentLength);
        Assert.False(sequence.IsSingleSegment);

        var result = PayloadParser.ParseState(sequence, TopicId, UrlPolicy.Open);

        Assert.True(result.IsValid, result.Error?.Detail);
        Assert.Equal("Raspbian «bookworm» ü", result.Value.Agent?.Os);
        Assert.Equal(
            JsonSerializer.Serialize(PayloadParser.ParseState(Payload.Of(bytes), TopicId, UrlPolicy.Open).Value!, FleetJsonContext.Default.StateMessage),
            JsonSerializer.Serialize(result.Value, FleetJsonContext.Default.StateMessage));
    }

    [Fact]
    public void ParseState_ExactlyMaxSize_IsAccepted()
    {
        var json = Payload.State().ToJsonString();
        var padded = json + new string(' ', PayloadParser.MaxPayloadBytes - Encoding.UTF8.GetByteCount(json));

        var result = PayloadParser.ParseState(Payload.Of(padded), TopicId, UrlPolicy.Open);

        Assert.True(result.IsValid, result.Error?.Detail);
    }

    [Fact]
    public void ParseState_OneByteOverMaxSize_IsTooLarge()
    {
        var json = Payload.State().ToJsonString();
        var padded = json + new string(' ', PayloadParser.MaxPayloadBytes + 1 - Encoding.UTF8.GetByteCount(json));

        AssertRejected(Payload.Of(padded), RejectionReason.TooLarge);
    }

    [Fact]
    public void ParseState_HugePayload_IsTooLarge()
    {
        var state = Payload.State();
        state["padding"] = new string('x', 1024 * 1024);

        AssertRejected(Payload.Of(state), RejectionReason.TooLarge);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("hello")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("\"a string\"")]
    [InlineData("[]")]
    [InlineData("[{\"schema\":1}]")]
    [InlineData("{")]
    [InlineData("{\"schema\":1,}")]
    [InlineData("{'schema':1}")]
    [InlineData("{} {}")]
    [InlineData("{}x")]
    [InlineData("// comment\n{}")]
    public void ParseState_NotAJsonObject_IsNotJson(string payload) =>
        AssertRejected(Payload.Of(payload), RejectionReason.NotJson);

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public void ParseState_InvalidUtf8InStringValue_IsNotJson(byte[] raw)
    {
        var json = Payload.State().ToJsonString().Replace("Debian GNU/Linux 12", "Debian@@", StringComparison.Ordinal);

        AssertRejected(Payload.Of(Payload.WithRawBytes(json, raw)), RejectionReason.NotJson);
    }

    [Fact]
    public void ParseState_InvalidUtf8InUnknownPropertyName_IsNotJson()
    {
        var state = Payload.State();
        state["future@@"] = 1;

        AssertRejected(Payload.Of(Payload.WithRawBytes(state.ToJsonString(), 0xFF, 0xFE)), RejectionReason.NotJson);
    }

    [Fact]
    public void ParseState_InvalidUtf8OutsideStrings_IsNotJson()
    {
        var json = Payload.State().ToJsonString().Replace("\"seq\":345", "\"seq\":@@345", StringComparison.Ordinal);

        AssertRejected(Payload.Of(Payload.WithRawBytes(json, 0xFF)), RejectionReason.NotJson);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(100)]
    [InlineData(10_000)]
    public void ParseState_NestedDeeperThan16_IsNotJson(int arrays)
    {
        // The root object is the first level, so 16 arrays below it make 17.
        var json = Payload.State().ToJsonString()[..^1] + ",\"future\":" + Nested(arrays) + "}";

        AssertRejected(Payload.Of(json), RejectionReason.NotJson);
    }

    [Fact]
    public void ParseState_Nested16Deep_IsAccepted()
    {
        Assert.Equal(16, PayloadParser.MaxDepth);
        var json = Payload.State().ToJsonString()[..^1] + ",\"future\":" + Nested(15) + "}";

        var result = PayloadParser.ParseState(Payload.Of(json), TopicId, UrlPolicy.Open);

        Assert.True(result.IsValid, result.Error?.Detail);
    }

    [Theory]
    [InlineData("schema")]
    [InlineData("detectorId")]
    [InlineData("epoch")]
    [InlineData("seq")]
    [InlineData("tunnels")]
    public void ParseState_MissingRequiredField_IsInvalidFields(string field)
    {
        var state = Payload.State();
        Assert.True(state.Remove(field));

        AssertRejected(Payload.Of(state), RejectionReason.InvalidFields);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("url")]
    public void ParseState_TunnelWithoutRequiredField_IsInvalidFields(string field)
    {
        var state = Payload.State();
        Assert.True(state["tunnels"]![0]!.AsObject().Remove(field));

        AssertRejected(Payload.Of(state), RejectionReason.InvalidFields);
    }

    [Fact]
    public void ParseState_ProviderWithoutKind_IsInvalidFields()
    {
        var state = Payload.State();
        Assert.True(state["provider"]!.AsObject().Remove("kind"));

        AssertRejected(Payload.Of(state), RejectionReason.InvalidFields);
    }

    [Theory]
    [InlineData("epoch", "\"x\"")]
    [InlineData("epoch", "null")]
    [InlineData("epoch", "true")]
    [InlineData("seq", "1.5")]
    [InlineData("seq", "{}")]
    [InlineData("schema", "\"one\"")]
    [InlineData("detectorId", "42")]
    [InlineData("detectorId", "null")]
    [InlineData("tunnels", "null")]
    [InlineData("tunnels", "{}")]
    [InlineData("tunnels", "[null]")]
    [InlineData("tunnels", "[\"https://a.ngrok-free.app\"]")]
    [InlineData("heartbeatSeconds", "\"sixty\"")]
    [InlineData("sentAt", "\"yesterday\"")]
    [InlineData("provider", "\"ngrok\"")]
    [InlineData("agent", "[]")]
    public void ParseState_WrongType_IsInvalidFields(string field, string rawJson)
    {
        var state = Payload.State();
        state[field] = JsonNode.Parse(rawJson);

        AssertRejected(Payload.Of(state), RejectionReason.InvalidFields);
    }

    [Theory]
    [InlineData("epoch", "-1")]
    [InlineData("seq", "-1")]
    [InlineData("heartbeatSeconds", "0")]
    [InlineData("heartbeatSeconds", "86401")]
    [InlineData("detectorId", "\"PI-042\"")]
    [InlineData("detectorId", "\"\"")]
    public void ParseState_OutOfRangeValue_IsInvalidFields(string field, string rawJson)
    {
        var state = Payload.State();
        state[field] = JsonNode.Parse(rawJson);
        var topicId = state["detectorId"]!.GetValue<string>();

        AssertRejected(Payload.Of(state), RejectionReason.InvalidFields, topicId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("tab\there")]
    public void ParseState_BadTunnelName_IsInvalidFields(string name)
    {
        var state = Payload.State();
        state["tunnels"]![0]!["name"] = name;

        AssertRejected(Payload.Of(state), RejectionReason.InvalidFields);
    }

    [Fact]
    public void ParseState_DuplicateTunnelNames_IsInvalidFields()
    {
        var state = Payload.State();
        state["tunnels"]![1]!["name"] = "web";

        AssertRejected(Payload.Of(state), RejectionReason.InvalidFields);
    }

    [Fact]
    public void ParseState_TooManyTunnels_IsInvalidFields()
    {
        var state = Payload.State();
        var tunnels = new JsonArray();
        for (var i = 0; i <= PayloadParser.MaxTunnels; i++)
        {
            tunnels.Add(new JsonObject { ["name"] = $"t{i}", ["url"] = $"https://t{i}.ngrok-free.app" });
        }

        state["tunnels"] = tunnels;

        AssertRejected(Payload.Of(state), RejectionReason.InvalidFields);
    }

    [Fact]
    public void ParseState_OverlongProviderError_IsInvalidFields()
    {
        var state = Payload.State();
        state["provider"]!["error"] = new string('e', PayloadParser.MaxTextLength + 1);

        AssertRejected(Payload.Of(state), RejectionReason.InvalidFields);
    }

    [Fact]
    public void ParseState_NoTunnels_IsValid()
    {
        var state = Payload.State();
        state["tunnels"] = new JsonArray();

        Assert.True(PayloadParser.ParseState(Payload.Of(state), TopicId, UrlPolicy.Open).IsValid);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    [InlineData(-1)]
    public void ParseState_UnsupportedSchema_IsUnknownSchema(int schema)
    {
        var state = Payload.State();
        state["schema"] = schema;

        AssertRejected(Payload.Of(state), RejectionReason.UnknownSchema);
    }

    [Theory]
    [InlineData("pi-043")]
    [InlineData("pi-04")]
    [InlineData("pi-0420")]
    public void ParseState_DetectorIdDiffersFromTopic_IsIdMismatch(string topicId) =>
        AssertRejected(Payload.Of(Payload.State()), RejectionReason.IdMismatch, topicId);

    [Theory]
    [MemberData(nameof(BadUrls.All), MemberType = typeof(BadUrls))]
    public void ParseState_ForbiddenTunnelUrl_IsInvalidUrl(string url)
    {
        var state = Payload.State();
        state["tunnels"]![1]!["url"] = url;

        AssertRejected(Payload.Of(state), RejectionReason.InvalidUrl);
    }

    [Fact]
    public void ParseState_UrlOutsideAllowList_IsInvalidUrl()
    {
        var policy = new UrlPolicy([".ngrok-free.app"]);

        var result = PayloadParser.ParseState(Payload.Of(Payload.State()), TopicId, policy);

        // The ssh tunnel of the example is on ngrok.io, which this policy does not allow.
        Assert.Equal(RejectionReason.InvalidUrl, result.Error?.Reason);
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static void AssertRejected(System.Buffers.ReadOnlySequence<byte> payload, RejectionReason reason, string topicId = TopicId)
    {
        var result = PayloadParser.ParseState(payload, topicId, UrlPolicy.Open);

        Assert.False(result.IsValid, "the payload was accepted");
        Assert.Null(result.Value);
        Assert.Equal(reason, result.Error.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Detail));
    }
}
