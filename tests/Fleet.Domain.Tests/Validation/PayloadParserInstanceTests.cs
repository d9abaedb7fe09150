using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Tests.Golden;
using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Validation;

/// <summary>The agent's incarnation id (<c>instance</c>): optional for older agents, strictly shaped when present.</summary>
public sealed class PayloadParserInstanceTests
{
    public static TheoryData<string> BadInstances => new()
    {
        "",
        new string('a', InstanceIds.MaxLength + 1),
        "has space",
        "dot.ted",
        "slash/ed",
        "plus+",
        "équipe",
        "tab\tbed",
        "nul\0",
        "\u202Eevil",
    };

    [Fact]
    public void ParseState_WithoutInstance_IsAcceptedAsFromAnOlderAgent()
    {
        var state = Payload.State();
        Assert.True(state.Remove("instance"));

        var result = PayloadParser.ParseState(Payload.Of(state), "pi-042", UrlPolicy.Open);

        Assert.True(result.IsValid, result.Error?.Detail);
        Assert.Null(result.Value.Instance);
        Assert.DoesNotContain("instance", JsonSerializer.Serialize(result.Value, FleetJsonContext.Default.StateMessage), StringComparison.Ordinal);
    }

    [Fact]
    public void ParseStatus_WithoutInstance_IsAcceptedAsFromAnOlderAgent()
    {
        var result = PayloadParser.ParseStatus(Payload.Of("""{"state":"online","epoch":12,"at":null,"reason":null}"""));

        Assert.True(result.IsValid, result.Error?.Detail);
        Assert.Null(result.Value.Instance);
    }

    [Theory]
    [InlineData("q3Jx0cT2mZ8KfVbLrN5wYA")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("a")]
    [InlineData("A-_z")]
    public void Parse_WellFormedInstance_IsKept(string instance)
    {
        var state = Payload.State();
        state["instance"] = instance;

        var parsedState = PayloadParser.ParseState(Payload.Of(state), "pi-042", UrlPolicy.Open);
        var parsedStatus = PayloadParser.ParseStatus(Payload.Of(JsonSerializer.Serialize(new StatusMessage { State = Presence.Online, Epoch = 1, Instance = instance }, FleetJsonContext.Default.StatusMessage)));

        Assert.Equal(instance, parsedState.Value?.Instance);
        Assert.Equal(instance, parsedStatus.Value?.Instance);
    }

    [Fact]
    public void Validate_LongestAllowedInstance_IsWellFormed() =>
        Assert.Null(InstanceIds.Validate(new string('a', InstanceIds.MaxLength)));

    [Theory]
    [MemberData(nameof(BadInstances))]
    public void ParseState_MalformedInstance_IsRejectedSayingWhatIsAllowed(string instance)
    {
        var state = Payload.State();
        state["instance"] = instance;

        var result = PayloadParser.ParseState(Payload.Of(state), "pi-042", UrlPolicy.Open);

        Assert.False(result.IsValid);
        Assert.Equal(RejectionReason.InvalidFields, result.Error!.Reason);
        Assert.Contains("instance must be 1 to 64 characters", result.Error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadInstances))]
    public void ParseStatus_MalformedInstance_IsRejectedSayingWhatIsAllowed(string instance)
    {
        var json = JsonSerializer.Serialize(new StatusMessage { State = Presence.Lost, Epoch = 3, Instance = instance }, FleetJsonContext.Default.StatusMessage);

        var result = PayloadParser.ParseStatus(Payload.Of(json));

        Assert.False(result.IsValid);
        Assert.Equal(RejectionReason.InvalidFields, result.Error!.Reason);
        Assert.Contains("instance must be", result.Error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"state":"online","epoch":1,"instance":42}""")]
    [InlineData("""{"state":"online","epoch":1,"instance":["a"]}""")]
    public void ParseStatus_InstanceNotAString_IsRejected(string json) =>
        Assert.False(PayloadParser.ParseStatus(Payload.Of(json)).IsValid);

    [Fact]
    public void GoldenState_CarriesTheInstance() =>
        Assert.Equal("q3Jx0cT2mZ8KfVbLrN5wYA", JsonDocument.Parse(GoldenFile.Read("state.json")).RootElement.GetProperty("instance").GetString());
}
