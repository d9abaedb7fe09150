using System.Net;
using Fleet.Api.Reachability;
using Fleet.Domain.Messages;
using Fleet.Domain.Validation;

namespace Fleet.Api.Tests.Probe;

/// <summary>
/// The probe resolves once and connects to the address it checked (DNS rebinding cannot move it), follows no
/// redirect, and through a proxy applies the rules to the name and to literal addresses. 127.0.0.2 plays the public
/// address: it is the only range allowed.
/// </summary>
public sealed class ConnectToCheckedAddressTests
{
    private static readonly IPAddress Allowed = IPAddress.Parse("127.0.0.2");

    private static ProbeOptions OnlyAllowed() => new() { AllowedNetworks = ["127.0.0.2/32"] };

    [Fact]
    public async Task Probe_NameRebindsToLoopbackOnSecondLookup_ConnectsToFirstCheckedAddressOnly()
    {
        await using var checkedEndpoint = LoopbackEndpoint.Answer(200, "checked", address: Allowed);
        await using var loopback = LoopbackEndpoint.Answer(200, "rebound", address: IPAddress.Loopback, port: checkedEndpoint.Port);
        var resolver = new SequenceResolver([Allowed], [IPAddress.Loopback]);
        using var harness = new ProbeHarness(OnlyAllowed(), resolver);

        var attempt = await harness.ProbeAsync($"http://rebind.probe.test:{checkedEndpoint.Port}/");

        Assert.Equal(CheckOutcomes.Ok, attempt.Check.Outcome);
        Assert.Equal(1, resolver.Calls);
        Assert.Equal(1, checkedEndpoint.Accepted);
        Assert.Equal(0, loopback.Accepted);
    }

    [Fact]
    public async Task Probe_NameResolvesToLoopbackFirstAndAllowedSecond_RefusedWithoutSecondLookup()
    {
        await using var allowedEndpoint = LoopbackEndpoint.Answer(200, "allowed", address: Allowed);
        await using var loopback = LoopbackEndpoint.Answer(200, "loopback", address: IPAddress.Loopback, port: allowedEndpoint.Port);
        var resolver = new SequenceResolver([IPAddress.Loopback], [Allowed]);
        using var harness = new ProbeHarness(OnlyAllowed(), resolver);

        var attempt = await harness.ProbeAsync($"http://rebind.probe.test:{allowedEndpoint.Port}/");

        Assert.Equal(CheckOutcomes.Refused, attempt.Check.Outcome);
        Assert.Equal(AddressLabels.Loopback, attempt.RefusalReason);
        Assert.Equal(1, resolver.Calls);
        Assert.Equal(0, allowedEndpoint.Accepted + loopback.Accepted);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://127.0.0.2:{other}/")]
    public async Task Probe_AnswerRedirects_NotFollowedAndOkWithTheRedirectStatus(string location)
    {
        await using var other = LoopbackEndpoint.Answer(200, "redirect target", address: Allowed);
        var target = location.Replace("{other}", other.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await using var endpoint = LoopbackEndpoint.Answer(302, string.Empty, $"Location: {target}\r\n", address: Allowed);
        using var harness = new ProbeHarness(OnlyAllowed(), new SequenceResolver([Allowed]));

        var attempt = await harness.ProbeAsync($"http://redirect.probe.test:{endpoint.Port}/");

        Assert.Equal(CheckOutcomes.Ok, attempt.Check.Outcome);
        Assert.Equal(302, attempt.Check.HttpStatus);
        Assert.Equal(1, endpoint.Accepted);
        Assert.Equal(0, other.Accepted);
    }

    [Fact]
    public async Task Probe_ThroughProxy_SendsTheNameToTheProxyWithoutResolvingIt()
    {
        await using var proxy = LoopbackEndpoint.Answer(200, "via proxy");
        var resolver = new SequenceResolver([IPAddress.Loopback]);
        using var harness = new ProbeHarness(new ProbeOptions(), resolver, proxy: new WebProxy($"http://127.0.0.1:{proxy.Port}"));

        var attempt = await harness.ProbeAsync("http://edge.probe.test/status");

        Assert.Equal(CheckOutcomes.Ok, attempt.Check.Outcome);
        Assert.Equal(0, resolver.Calls);
        Assert.True(proxy.Requests.TryPeek(out var head));
        Assert.StartsWith("GET http://edge.probe.test/status HTTP/1.1", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_ThroughProxyToLiteralPrivateAddress_RefusedWithoutReachingTheProxy()
    {
        await using var proxy = LoopbackEndpoint.Answer(200, "via proxy");
        using var harness = new ProbeHarness(new ProbeOptions(), proxy: new WebProxy($"http://127.0.0.1:{proxy.Port}"));

        var attempt = await harness.ProbeAsync("http://10.1.2.3/");

        Assert.Equal(AddressLabels.Private, attempt.RefusalReason);
        Assert.Equal(0, proxy.Accepted);
    }

    [Fact]
    public async Task Probe_PrivateAddressAllowedForIngestOnly_StillRefused()
    {
        var ingest = new Fleet.Api.Ingest.IngestOptions { AllowedNetworks = ["10.0.0.0/8"], AllowedHostSuffixes = [".ngrok-free.app"] };
        using var harness = new ProbeHarness(new ProbeOptions(), new SequenceResolver([IPAddress.Parse("10.1.1.1")]), ingest);

        var literal = await harness.ProbeAsync("http://10.1.1.1/");
        var named = await harness.ProbeAsync("https://ab12.ngrok-free.app/");

        Assert.Equal((AddressLabels.Private, AddressLabels.Private), (literal.RefusalReason, named.RefusalReason));
        Assert.False(literal.ConnectAttempted || named.ConnectAttempted);
    }

    [Fact]
    public async Task Probe_HostOutsideTheAllowedSuffixes_RefusedByTheUrlRule()
    {
        var ingest = new Fleet.Api.Ingest.IngestOptions { AllowedHostSuffixes = [".ngrok-free.app"] };
        var resolver = new SequenceResolver([IPAddress.Parse("203.0.113.7")]);
        using var harness = new ProbeHarness(new ProbeOptions(), resolver, ingest);

        var attempt = await harness.ProbeAsync("https://elsewhere.example.com/");

        Assert.Equal(ProbeEgress.UrlRule, attempt.RefusalReason);
        Assert.Equal(0, resolver.Calls);
    }
}
