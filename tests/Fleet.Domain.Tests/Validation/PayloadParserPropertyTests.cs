using System.Buffers;
using System.Text;
using CsCheck;
using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Validation;

/// <summary>
/// Whatever bytes arrive on a detector topic, the parser returns a value or a rejection: it never throws, and
/// a state it accepts only carries URLs that keep the contract's rules.
/// </summary>
public sealed class PayloadParserPropertyTests
{
    private static readonly UrlPolicy AllowList = new([".ngrok-free.app"]);

    private static readonly Gen<string> Scalars = Gen.OneOf(
        "0", "-1", "1", "12", "9223372036854775807", "9223372036854775808", "1e400", "-0", "1.5", "true", "false", "null",
        "\"\"", "\"online\"", "\"lost\"", "\"offline\"", "\"7\"", "\"pi-042\"", "\"PI 042\"", "\"2026-11-28T10:00:00Z\"", "\"not a date\"",
        "\"\\u0000\"", "\"\\ud800\"", "[]", "{}", "[null]", "\"https://ab12cd34.ngrok-free.app\"", "\"javascript:alert(1)\"",
        "\"http://[::1%251]/\"", "\"https://a\\u200b.ngrok-free.app\"");

    private static readonly Gen<string> Names = Gen.OneOf(
        "schema", "detectorId", "epoch", "seq", "sentAt", "heartbeatSeconds", "tunnels", "provider", "agent", "state", "at", "reason",
        "name", "url", "proto", "upstream", "startedAt", "kind", "version", "error", "restarts", "hostname", "os", "arch", "extra", "Schema", "");

    private static readonly Gen<string> Tunnels =
        from name in Gen.OneOf("web", "ssh", "", "a/b", "\\u0001", "web")
        from url in Scalars
        from count in Gen.Int[0, 3]
        select "[" + string.Join(",", Enumerable.Repeat($"{{\"name\":\"{name}\",\"url\":{url},\"proto\":\"https\"}}", count)) + "]";

    private static readonly Gen<string> Value = Gen.Frequency((6, Scalars), (2, Tunnels));

    /// <summary>Objects built from contract field names with right and wrong values, often truncated or with garbage inside.</summary>
    private static readonly Gen<string> JsonIsh =
        from fields in Gen.Select(Names, Value).Array[0, 12]
        let json = "{" + string.Join(",", fields.Select(f => $"\"{f.Item1}\":{(f.Item1 == "tunnels" ? f.Item2.Replace("\"", "\"", StringComparison.Ordinal) : f.Item2)}")) + "}"
        from cut in Gen.Frequency((5, Gen.Const(json.Length)), (1, Gen.Int[0, json.Length]))
        from nest in Gen.Frequency((8, Gen.Const(0)), (1, Gen.Int[1, 40]))
        select new string('[', nest) + json[..cut] + new string(']', nest);

    private static readonly Gen<byte[]> Payloads = Gen.Frequency(
        (2, Gen.Byte.Array[0, 256]),
        (6, JsonIsh.Select(Encoding.UTF8.GetBytes)),
        (2, Gen.Select(JsonIsh, Gen.Byte.Array[1, 4], Gen.Int[0, 100]).Select((json, raw, at) =>
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var i = Math.Min(at, bytes.Length);
            return (byte[])[.. bytes[..i], .. raw, .. bytes[i..]];
        })));

    [Fact]
    public void ParseState_AndParseStatus_ArbitraryBytes_NeverThrow() =>
        Payloads.Sample(
            bytes =>
            {
                var payload = new ReadOnlySequence<byte>(bytes);
                var state = PayloadParser.ParseState(payload, "pi-042", UrlPolicy.Open);
                var allowListed = PayloadParser.ParseState(payload, "pi-042", AllowList);
                var status = PayloadParser.ParseStatus(payload);
                Assert.True(state.IsValid ^ state.Error is not null);
                Assert.True(allowListed.IsValid ^ allowListed.Error is not null);
                Assert.True(status.IsValid ^ status.Error is not null);
            },
            iter: 100_000,
            print: bytes => Convert.ToHexString(bytes));

    [Fact]
    public void ParseState_AcceptedState_HasOnlyUrlsThatKeepTheRules() =>
        Payloads.Sample(
            bytes =>
            {
                var state = PayloadParser.ParseState(new ReadOnlySequence<byte>(bytes), "pi-042", AllowList);
                return !state.IsValid
                    || (state.Value.DetectorId == "pi-042"
                        && state.Value.Tunnels.All(t => UrlRulesPropertyTests.Violation(t.Url, AllowList.AllowedHostSuffixes) is null));
            },
            iter: 100_000,
            print: bytes => Encoding.UTF8.GetString(bytes));

    [Fact]
    public void ParseState_ArbitraryStringsAsUrls_NeverThrow() =>
        UrlGen.Arbitrary.Sample(
            url =>
            {
                var json = $$"""{"schema":1,"detectorId":"pi-042","epoch":1,"seq":0,"sentAt":null,"heartbeatSeconds":60,"tunnels":[{"name":"web","url":{{System.Text.Json.JsonSerializer.Serialize(url)}}}]}""";
                var result = PayloadParser.ParseState(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), "pi-042", AllowList);
                Assert.True(result.IsValid ^ result.Error is not null);
            },
            iter: 50_000);
}
