using Fleet.Api.Reachability;
using Fleet.Domain.Messages;
using Fleet.Domain.Validation;

namespace Fleet.Api.Tests.Probe;

/// <summary>
/// The probe refuses every address of the SSRF corpus with a counted reason and makes no connection: the attempt says
/// it never reached a connect, and the loopback listener every loopback form would land on accepts nothing. Names
/// resolve through Probe:Resolve (no test DNS here); the listener's own range is not in Probe:AllowedNetworks.
/// </summary>
public sealed class SsrfCorpusTests : IAsyncLifetime
{
    private const string Port = "{port}";

    private LoopbackEndpoint _listener = null!;

    public static TheoryData<string, string, string[]> Corpus => new()
    {
        // Loopback, in every spelling of 127.0.0.1 a URL parser or inet_aton accepts.
        { $"http://127.0.0.1:{Port}/", AddressLabels.Loopback, [] },
        { $"http://2130706433:{Port}/", AddressLabels.Loopback, [] },
        { $"http://017700000001:{Port}/", AddressLabels.Loopback, [] },
        { $"http://0x7f000001:{Port}/", AddressLabels.Loopback, [] },
        { $"http://0x7f.0.0.1:{Port}/", AddressLabels.Loopback, [] },
        { $"http://0177.0.0.1:{Port}/", AddressLabels.Loopback, [] },
        { $"http://127.1:{Port}/", AddressLabels.Loopback, [] },
        { $"http://127.255.255.254:{Port}/", AddressLabels.Loopback, [] },
        { $"http://[::1]:{Port}/", AddressLabels.Loopback, [] },
        { $"http://[::ffff:127.0.0.1]:{Port}/", AddressLabels.Loopback, [] },
        { $"http://[::ffff:7f00:1]:{Port}/", AddressLabels.Loopback, [] },
        { $"http://[::127.0.0.1]:{Port}/", AddressLabels.Loopback, [] },
        { $"http://[64:ff9b::7f00:1]:{Port}/", AddressLabels.Loopback, [] },
        { $"http://[2002:7f00:1::]:{Port}/", AddressLabels.Loopback, [] },
        { $"tcp://127.0.0.1:{Port}", AddressLabels.Loopback, [] },

        // Unspecified (connects to the local machine on Linux).
        { $"http://0.0.0.0:{Port}/", AddressLabels.Unspecified, [] },
        { $"http://0:{Port}/", AddressLabels.Unspecified, [] },
        { $"http://[::]:{Port}/", AddressLabels.Unspecified, [] },

        // Cloud metadata, and its encodings.
        { "http://169.254.169.254/latest/meta-data/", AddressLabels.Metadata, [] },
        { "http://2852039166/", AddressLabels.Metadata, [] },
        { "http://0xa9fea9fe/", AddressLabels.Metadata, [] },
        { "http://0251.0376.0251.0376/", AddressLabels.Metadata, [] },
        { "http://[::ffff:169.254.169.254]/", AddressLabels.Metadata, [] },
        { "http://[::ffff:a9fe:a9fe]/", AddressLabels.Metadata, [] },
        { "http://[2002:a9fe:a9fe::]/", AddressLabels.Metadata, [] },
        { "http://[fd00:ec2::254]/", AddressLabels.Metadata, [] },
        { "http://100.100.100.200/", AddressLabels.Metadata, [] },

        // Link-local, unique-local, CGNAT, private, multicast, reserved.
        { "http://169.254.1.1/", AddressLabels.LinkLocal, [] },
        { "http://[fe80::1]/", AddressLabels.LinkLocal, [] },
        { "http://[fd00::1]/", AddressLabels.UniqueLocal, [] },
        { "http://[fc00::5]/", AddressLabels.UniqueLocal, [] },
        { "http://100.64.0.1/", AddressLabels.CarrierGradeNat, [] },
        { "http://100.127.255.254/", AddressLabels.CarrierGradeNat, [] },
        { "http://10.0.0.1/", AddressLabels.Private, [] },
        { "http://012.0.0.1/", AddressLabels.Private, [] },
        { "http://172.16.0.1/", AddressLabels.Private, [] },
        { "http://172.31.255.1/", AddressLabels.Private, [] },
        { "http://192.168.1.1/", AddressLabels.Private, [] },
        { "https://3232235777/", AddressLabels.Private, [] },
        { "tcp://[::ffff:10.0.0.1]:22", AddressLabels.Private, [] },
        { "http://224.0.0.1/", AddressLabels.Multicast, [] },
        { "http://[ff02::1]/", AddressLabels.Multicast, [] },
        { "http://255.255.255.255/", AddressLabels.Reserved, [] },

        // Names: resolved once, every answer checked.
        { $"http://loop.probe.test:{Port}/", AddressLabels.Loopback, [$"loop.probe.test:{Port}:127.0.0.1"] },
        { $"http://v6loop.probe.test:{Port}/", AddressLabels.Loopback, [$"v6loop.probe.test:{Port}:[::1]"] },
        { $"http://mapped.probe.test:{Port}/", AddressLabels.Loopback, [$"mapped.probe.test:{Port}:::ffff:127.0.0.1"] },
        { $"http://mixed.probe.test:{Port}/", AddressLabels.Loopback, [$"mixed.probe.test:{Port}:203.0.113.7,127.0.0.1"] },
        { $"tcp://tcploop.probe.test:{Port}", AddressLabels.Loopback, [$"tcploop.probe.test:{Port}:127.0.0.1"] },
        { "http://meta.probe.test/", AddressLabels.Metadata, ["meta.probe.test:80:169.254.169.254"] },
        { "http://lan.probe.test/", AddressLabels.Private, ["lan.probe.test:80:192.168.0.10"] },
        { "http://cgnat.probe.test/", AddressLabels.CarrierGradeNat, ["cgnat.probe.test:80:100.64.1.1"] },
        { "https://ula.probe.test/", AddressLabels.UniqueLocal, ["ula.probe.test:443:fd12::1"] },
        { "https://zero.probe.test/", AddressLabels.Unspecified, ["zero.probe.test:443:0.0.0.0"] },

        // Names the URL rules refuse before any lookup.
        { $"http://localhost:{Port}/", ProbeEgress.UrlRule, [$"localhost:{Port}:203.0.113.7"] },
        { $"http://app.localhost:{Port}/", ProbeEgress.UrlRule, [] },
        { $"http://127.0.0.1.nip.io:{Port}/", ProbeEgress.UrlRule, [] },
        { $"http://app-169-254-169-254.sslip.io/", ProbeEgress.UrlRule, [] },
        { "http://metadata.google.internal/", ProbeEgress.UrlRule, [] },
        { $"http://lvh.me:{Port}/", ProbeEgress.UrlRule, [] },
        { "http://intranet/", ProbeEgress.UrlRule, [] },

        // User-info and other shapes the contract refuses.
        { "http://user:secret@example.com/", ProbeEgress.BadUrl, [] },
        { $"http://example.com@127.0.0.1:{Port}/", ProbeEgress.BadUrl, [] },
        { "ftp://example.com/", ProbeEgress.BadUrl, [] },
        { "ssh://host.probe.test:22", ProbeEgress.Scheme, [] },
    };

    public Task InitializeAsync()
    {
        _listener = LoopbackEndpoint.Answer(200, "must never be reached");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _listener.DisposeAsync();

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Probe_SsrfCorpusUrl_RefusedWithCountedReasonAndNoConnection(string url, string reason, string[] resolve)
    {
        var port = _listener.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var options = new ProbeOptions { Resolve = [.. resolve.Select(r => r.Replace(Port, port, StringComparison.Ordinal))] };
        using var harness = new ProbeHarness(options);

        var attempt = await harness.ProbeAsync(url.Replace(Port, port, StringComparison.Ordinal));

        Assert.Equal(CheckOutcomes.Refused, attempt.Check.Outcome);
        Assert.Equal(reason, attempt.RefusalReason);
        Assert.Equal(1, harness.Refusals.GetValueOrDefault(reason));
        Assert.False(attempt.ConnectAttempted);
        Assert.Equal(0, attempt.BytesRead);
        Assert.Equal(0, _listener.Accepted);
    }

    [Fact]
    public void Corpus_HoldsAtLeastFortyCases() => Assert.True(Corpus.Count >= 40);
}
