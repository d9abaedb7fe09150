using static Fleet.Api.Tests.Hostile.HostileExpectation;
using static Fleet.Api.Tests.Hostile.HostilePayloads;

namespace Fleet.Api.Tests.Hostile;

/// <summary>
/// The hostile inputs. Topic templates: {id} is the publishing detector, {other} another (provisioned) detector.
/// Mosquitto's message_size_limit (65536) equals the parser's cap (64 KiB), so there is no payload the broker
/// passes and the parser refuses for size: the size cases are refused by the broker.
/// </summary>
public static class HostileCorpus
{
    private const string State = "fleet/v1/detectors/{id}/state";
    private const string Status = "fleet/v1/detectors/{id}/status";

    public static IReadOnlyList<HostileCase> All { get; } =
    [
        // Not JSON, or not a JSON object.
        new("not-json-text", State, Text("this is not json"), Rejected),
        new("truncated-json", State, ctx => NextState(ctx).ToJsonString()[..40].Select(c => (byte)c).ToArray(), Rejected),
        new("json-array-at-top", State, Text("[1,2,3]"), Rejected),
        new("json-null", State, Text("null"), Rejected),
        new("json-string", State, Text("\"state\""), Rejected),
        new("binary-garbage", State, Bytes(0x00, 0xff, 0x10, 0x80, 0x7b, 0x22), Rejected),

        // Encoding.
        new("invalid-utf8-0xff", State, RawInHostname(0xff, 0xfe), Rejected),
        new("overlong-utf8-slash", State, RawInHostname(0xc0, 0xaf), Rejected),
        new("utf8-encoded-surrogate", State, RawInHostname(0xed, 0xa0, 0x80), Rejected),
        new("escaped-lone-surrogate", State, ctx => System.Text.Encoding.UTF8.GetBytes(NextState(ctx).ToJsonString().Replace("\"hostname\":\"", "\"hostname\":\"\\ud800", StringComparison.Ordinal)), Rejected),
        new("raw-nul-byte-in-string", State, RawInHostname(0x00), Rejected),
        new("escaped-nul-in-url", State, Url("https://x.ngrok-free.app/\u0000"), Rejected),
        new("escaped-nul-in-tunnel-name", State, State(s => s["tunnels"]![0]!["name"] = "we\u0000b"), Rejected),

        // Shape and size inside the JSON.
        new("nesting-64-levels", State, WithRawField("extra", Nested(64)), Rejected),
        new("tunnels-10000-empty-objects", State, Tunnels(Repeat("{}", 10_000)), Rejected),
        new("tunnels-10000-nulls", State, Tunnels(Repeat("null", 10_000)), Rejected),
        new("tunnels-is-object", State, Tunnels("{\"web\":{}}"), Rejected),
        new("tunnel-null-element", State, Tunnels("[null]"), Rejected),
        new("epoch-as-string", State, State(s => s["epoch"] = "12"), Rejected),
        new("seq-as-float", State, State(s => s["seq"] = 1.5), Rejected),
        new("epoch-negative", State, State(s => s["epoch"] = -1), Rejected),
        new("epoch-overflows-int64", State, ctx => System.Text.Encoding.UTF8.GetBytes(NextState(ctx).ToJsonString().Replace("\"epoch\":", "\"epoch\":9223372036854775808,\"x\":", StringComparison.Ordinal)), Rejected),
        new("missing-detector-id", State, State(s => s.Remove("detectorId")), Rejected),
        new("unknown-schema-2", State, State(s => s["schema"] = 2), Rejected),
        new("schema-as-string", State, State(s => s["schema"] = "1"), Rejected),
        new("heartbeat-zero", State, State(s => s["heartbeatSeconds"] = 0), Rejected),
        new("duplicate-tunnel-name", State, Tunnels("[{\"name\":\"web\",\"url\":\"https://a.ngrok-free.app\"},{\"name\":\"web\",\"url\":\"https://b.ngrok-free.app\"}]"), Rejected),
        new("hostname-too-long", State, State(s => s["agent"]!["hostname"] = new string('h', 5000)), Rejected),

        // Every bad URL kind (the API runs with the allow-list .ngrok-free.app, .example.org).
        new("url-javascript", State, Url("javascript:alert(1)"), Rejected),
        new("url-data", State, Url("data:text/html,<script>alert(1)</script>"), Rejected),
        new("url-file", State, Url("file:///etc/passwd"), Rejected),
        new("url-ftp", State, Url("ftp://x.ngrok-free.app/"), Rejected),
        new("url-user-info", State, Url("https://user:pw@x.ngrok-free.app/"), Rejected),
        new("url-user-info-allow-listed-decoy", State, Url("https://x.ngrok-free.app@evil.com/"), Rejected),
        new("url-crlf", State, Url("https://x.ngrok-free.app/\r\nSet-Cookie: a=b"), Rejected),
        new("url-tab", State, Url("https://x.ngrok-free.app/\ta"), Rejected),
        new("url-longer-than-2048", State, Url("https://x.ngrok-free.app/" + new string('a', 3000)), Rejected),
        new("url-loopback-ipv4", State, Url("http://127.0.0.1:8080/"), Rejected),
        new("url-loopback-decimal", State, Url("http://2130706433/"), Rejected),
        new("url-loopback-ipv6", State, Url("http://[::1]/"), Rejected),
        new("url-loopback-ipv6-scoped", State, Url("http://[::1%251]/"), Rejected),
        new("url-loopback-ipv4-mapped", State, Url("http://[::ffff:127.0.0.1]/"), Rejected),
        new("url-localhost", State, Url("http://localhost:4040/api/tunnels"), Rejected),
        new("url-link-local-ipv4", State, Url("http://169.254.10.10/"), Rejected),
        new("url-link-local-ipv6", State, Url("http://[fe80::1]/"), Rejected),
        new("url-unspecified-ipv4", State, Url("http://0.0.0.0/"), Rejected),
        new("url-unspecified-ipv6", State, Url("http://[::]/"), Rejected),
        new("url-metadata-aws", State, Url("http://169.254.169.254/latest/meta-data/"), Rejected),
        new("url-metadata-gcp-name", State, Url("http://metadata.google.internal/computeMetadata/v1/"), Rejected),
        new("url-metadata-alibaba", State, Url("http://100.100.100.200/latest/meta-data"), Rejected),
        new("url-outside-allow-list", State, Url("https://evil.com/"), Rejected),
        new("url-allow-list-suffix-trick", State, Url("https://ngrok-free.app.evil.com/"), Rejected),
        new("url-allow-list-label-trick", State, Url("https://evilngrok-free.app/"), Rejected),
        new("url-tcp-without-port", State, Url("tcp://0.tcp.eu.ngrok-free.app"), Rejected),

        // Issue 11, finding 5: private, NAT64/compatible/6to4-embedded and loopback-named destinations. The fixture also
        // allow-lists the wildcard-DNS services, as an operator might: the names must still be refused by what they embed.
        new("url-private-192-168", State, Url("https://192.168.1.1/"), Rejected),
        new("url-private-10", State, Url("http://10.0.0.5:8080/"), Rejected),
        new("url-cgnat-100-64", State, Url("http://100.64.0.1/"), Rejected),
        new("url-ula-ipv6", State, Url("http://[fd12::1]/"), Rejected),
        new("url-loopback-octal", State, Url("http://0177.0.0.1/"), Rejected),
        new("url-loopback-ipv4-compatible", State, Url("http://[::127.0.0.1]/"), Rejected),
        new("url-loopback-nat64", State, Url("http://[64:ff9b::7f00:1]/"), Rejected),
        new("url-loopback-6to4", State, Url("http://[2002:7f00:1::]/"), Rejected),
        new("url-multicast", State, Url("http://224.0.0.1/"), Rejected),
        new("url-localhost-localdomain", State, Url("https://localhost.localdomain/"), Rejected),
        new("url-ip6-localhost", State, Url("https://ip6-localhost/"), Rejected),
        new("url-localtest-me", State, Url("https://localtest.me/"), Rejected),
        new("url-localtest-me-subdomain", State, Url("https://app.localtest.me/"), Rejected),
        new("url-nip-io-loopback", State, Url("https://127.0.0.1.nip.io/"), Rejected),
        new("url-nip-io-metadata", State, Url("https://169.254.169.254.nip.io/latest/meta-data/"), Rejected),
        new("url-nip-io-dashed-private", State, Url("https://app-192-168-1-1.nip.io/"), Rejected),
        new("url-nip-io-hex-loopback", State, Url("https://7f000001.nip.io/"), Rejected),
        new("url-sslip-io-ipv6-loopback", State, Url("https://--1.sslip.io/"), Rejected),
        new("url-lan-only-name", State, Url("https://raspberrypi.local/"), Rejected),
        new("tunnel-name-bidi-override", State, State(s => s["tunnels"]![0]!["name"] = "we\u202eb"), Rejected),
        new("tunnel-name-zero-width", State, State(s => s["tunnels"]![0]!["name"] = "we\u200bb"), Rejected),

        // Identity.
        new("spoofed-detector-id", State, State(s => s["detectorId"] = "someone-else"), Rejected),
        new("invalid-detector-id", State, State(s => s["detectorId"] = "PI 042"), Rejected),
        new("uppercase-own-id", State, ctx => System.Text.Encoding.UTF8.GetBytes(NextState(ctx).ToJsonString().Replace($"\"detectorId\":\"{ctx.DetectorId}\"", $"\"detectorId\":\"{ctx.DetectorId.ToUpperInvariant()}\"", StringComparison.Ordinal)), Rejected),

        // Status topic.
        new("status-not-json", Status, Text("online"), Rejected),
        new("status-numeric-state", Status, HostilePayloads.Status("{\"state\":7,\"epoch\":EPOCH}"), Rejected),
        new("status-unknown-state", Status, HostilePayloads.Status("{\"state\":\"exploded\",\"epoch\":EPOCH}"), Rejected),
        new("status-negative-epoch", Status, HostilePayloads.Status("{\"state\":\"lost\",\"epoch\":-5}"), Rejected),

        // Replays and duplicates.
        new("replayed-old-epoch-state", State, OldEpoch, Stale),
        new("replayed-same-version-state", State, SameVersion, Stale),
        new("replayed-old-epoch-will", Status, ctx => System.Text.Encoding.UTF8.GetBytes($"{{\"state\":\"lost\",\"epoch\":{ctx.Epoch - 1},\"at\":null,\"reason\":\"connection-lost\"}}"), Stale),

        // Retained clears.
        new("zero-byte-retained-state", State, Bytes(), Ignored),
        new("zero-byte-retained-status", Status, Bytes(), Ignored),

        // Refused by Mosquitto (shipped ACL, message_size_limit).
        new("topic-extra-level", "fleet/v1/detectors/{id}/state/x", HostilePayloads.State(_ => { }), BrokerRefused),
        new("topic-another-detectors-state", "fleet/v1/detectors/{other}/state", HostilePayloads.State(_ => { }), BrokerRefused),
        new("topic-another-detectors-status", "fleet/v1/detectors/{other}/status", HostilePayloads.Status("{\"state\":\"offline\",\"epoch\":999}"), BrokerRefused),
        new("topic-registry", "fleet/v1/registry/{id}", HostilePayloads.State(_ => { }), BrokerRefused),
        new("topic-control-resync", "fleet/v1/control/resync", Text("{}"), BrokerRefused) { Retain = false },
        new("oversized-100-kib", State, WithRawField("pad", "\"" + new string('p', 100 * 1024) + "\""), BrokerRefused),
        new("oversized-just-over-64-kib", State, ctx =>
        {
            var head = NextState(ctx).ToJsonString();
            return System.Text.Encoding.UTF8.GetBytes(head[..^1] + ",\"pad\":\"" + new string('p', (64 * 1024) + 1 - head.Length - 9) + "\"}");
        }, BrokerRefused),
    ];

    public static TheoryData<string> Names { get; } = [.. All.Select(c => c.Name)];

    public static HostileCase Get(string name) => All.Single(c => c.Name == name);
}
