using System.Text.Json.Nodes;
using Fleet.Domain.Messages;
using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Validation;

/// <summary>tunnels[].check: accepted as the contract shows it (and from a newer agent), refused when it cannot be stored.</summary>
public sealed class PayloadParserCheckTests
{
    private const string TopicId = "pi-042";

    [Fact]
    public void ParseState_ContractCheck_IsAccepted()
    {
        var result = Parse("""{ "outcome": "upstream-down", "code": "ERR_NGROK_8012", "httpStatus": 502, "latencyMs": 84, "checkedAt": "2026-11-28T09:59:58Z" }""");

        Assert.True(result.IsValid, result.Error?.Detail);
        var check = result.Value.Tunnels[0].Check!;
        Assert.Equal((CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", (int?)502, (int?)84), (check.Outcome, check.Code, check.HttpStatus, check.LatencyMs));
    }

    [Fact]
    public void ParseState_UnknownOutcomeFromANewerAgent_IsAccepted() =>
        Assert.True(Parse("""{ "outcome": "quic-error" }""").IsValid);

    [Theory]
    [InlineData("""{ "outcome": "" }""")]
    [InlineData("""{ "outcome": "an-outcome-far-longer-than-the-column-holds" }""")]
    [InlineData("""{ "outcome": "ok\u202E" }""")]
    [InlineData("""{ "outcome": "ok", "code": "" }""")]
    [InlineData("""{ "outcome": "ok", "httpStatus": 0 }""")]
    [InlineData("""{ "outcome": "ok", "httpStatus": 1000 }""")]
    [InlineData("""{ "outcome": "ok", "latencyMs": -1 }""")]
    [InlineData("""{ "code": "ERR_NGROK_3200" }""")]
    public void ParseState_CheckThatCannotBeStored_IsInvalidFields(string check)
    {
        var result = Parse(check);

        Assert.False(result.IsValid);
        Assert.Equal(RejectionReason.InvalidFields, result.Error!.Reason);
    }

    private static ParseResult<StateMessage> Parse(string check)
    {
        var state = Payload.State();
        state["tunnels"]![0]!["check"] = JsonNode.Parse(check);
        return PayloadParser.ParseState(Payload.Of(state), TopicId, UrlPolicy.Open);
    }
}
