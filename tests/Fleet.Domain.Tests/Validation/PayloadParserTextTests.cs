using System.Text.Json.Nodes;
using Fleet.Domain.Messages;
using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Validation;

/// <summary>
/// Issue 14 item 4: device-supplied text is held to the contract. A tunnel's proto is a known value agreeing with its
/// URL's scheme (before: "proto": "&lt;script&gt;" was stored and served back); free text has a length limit and no
/// control or invisible characters. What the shipped agent sends stays valid.
/// </summary>
public sealed class PayloadParserTextTests
{
    private const string TopicId = "pi-042";

    [Theory]
    [InlineData("https://ab12cd34.ngrok-free.app", "https")]
    [InlineData("http://ab12cd34.ngrok-free.app", "http")]
    [InlineData("tcp://0.tcp.eu.ngrok.io:12345", "tcp")]
    [InlineData("tcp://0.tcp.eu.ngrok.io:12345", "tls")]
    [InlineData("tcp://0.tcp.eu.ngrok.io:12345", "ssh")]
    [InlineData("ssh://relay.example.org:2222", "ssh")]
    [InlineData("ssh://relay.example.org:2222", "tcp")]
    [InlineData("https://ab12cd34.ngrok-free.app", "HTTPS")]
    [InlineData("https://ab12cd34.ngrok-free.app", null)]
    public void ParseState_ProtoTheAgentSends_IsAccepted(string url, string? proto)
    {
        var result = ParseTunnel(url, proto);

        Assert.True(result.IsValid, result.Error?.Detail);
        Assert.Equal(proto, result.Value.Tunnels[0].Proto);
    }

    [Theory]
    [InlineData("https://ab12cd34.ngrok-free.app", "<script>")]
    [InlineData("https://ab12cd34.ngrok-free.app", "")]
    [InlineData("https://ab12cd34.ngrok-free.app", "ftp")]
    [InlineData("https://ab12cd34.ngrok-free.app", "http")]
    [InlineData("https://ab12cd34.ngrok-free.app", "tcp")]
    [InlineData("http://ab12cd34.ngrok-free.app", "https")]
    [InlineData("tcp://0.tcp.eu.ngrok.io:12345", "https")]
    [InlineData("tcp://0.tcp.eu.ngrok.io:12345", "tcp\n")]
    public void ParseState_UnknownOrDisagreeingProto_IsInvalidFields(string url, string proto)
    {
        var result = ParseTunnel(url, proto);

        Assert.False(result.IsValid);
        Assert.Equal(RejectionReason.InvalidFields, result.Error!.Reason);
        Assert.Contains("proto", result.Error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent", "version", "1.0.0\u001b[31m")]
    [InlineData("agent", "os", "Debian\rGNU/Linux")]
    [InlineData("agent", "hostname", "pi\u202E042")]
    [InlineData("agent", "arch", "arm64\u0000")]
    [InlineData("provider", "version", "3.19.0\n")]
    [InlineData("provider", "error", "ERR_NGROK_108\u0007")]
    public void ParseState_FreeTextWithControlCharacters_IsInvalidFields(string section, string field, string value)
    {
        var state = Payload.State();
        state[section]![field] = value;

        var result = PayloadParser.ParseState(Payload.Of(state), TopicId, UrlPolicy.Open);

        Assert.False(result.IsValid);
        Assert.Equal(RejectionReason.InvalidFields, result.Error!.Reason);
    }

    [Fact]
    public void ParseState_ProviderErrorOverSeveralLines_IsAccepted()
    {
        var state = Payload.State();
        state["provider"]!["error"] = "ERR_NGROK_108\n\tYour account is limited to 1 simultaneous session.";

        var result = PayloadParser.ParseState(Payload.Of(state), TopicId, UrlPolicy.Open);

        Assert.True(result.IsValid, result.Error?.Detail);
    }

    [Theory]
    [InlineData("localhost:22\u001b")]
    [InlineData("http://localhost:80\u200B")]
    public void ParseState_UpstreamWithControlCharacters_IsInvalidFields(string upstream)
    {
        var state = Payload.State();
        state["tunnels"]![0]!["upstream"] = upstream;

        Assert.Equal(RejectionReason.InvalidFields, PayloadParser.ParseState(Payload.Of(state), TopicId, UrlPolicy.Open).Error?.Reason);
    }

    [Theory]
    [InlineData("shutdown\u0000")]
    [InlineData("lost\u202Eyalp")]
    public void ParseStatus_ReasonWithControlCharacters_IsInvalidFields(string reason)
    {
        var status = new JsonObject { ["state"] = "offline", ["epoch"] = 1, ["reason"] = reason };

        var result = PayloadParser.ParseStatus(Payload.Of(status));

        Assert.False(result.IsValid);
        Assert.Equal(RejectionReason.InvalidFields, result.Error!.Reason);
    }

    private static ParseResult<StateMessage> ParseTunnel(string url, string? proto)
    {
        var state = Payload.State();
        state["tunnels"] = new JsonArray(new JsonObject { ["name"] = "t", ["url"] = url, ["proto"] = proto });
        return PayloadParser.ParseState(Payload.Of(state), TopicId, UrlPolicy.Open);
    }
}
