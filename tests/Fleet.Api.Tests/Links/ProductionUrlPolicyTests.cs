using System.Net;
using Fleet.Api.Ingest;
using Fleet.Api.Links;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Tests.Links;

/// <summary>
/// Issue 11, finding 5: in Production the host-suffix allow-list is on by default (the tunnel providers' domains), an
/// operator's own list replaces it, and "*" switches it off with a warning at start.
/// </summary>
public sealed class ProductionUrlPolicyTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    [Fact]
    public async Task Production_WithoutAllowList_UsesTheTunnelProvidersDomains_AndRefusesOtherHosts()
    {
        await using var api = new FleetApiFactory(fixture.Api.Settings with { Broker = BrokerSettings.ForEmbedded() });
        await using var production = InProduction(api);
        var suffixes = production.Services.GetRequiredService<IOptions<IngestOptions>>().Value.AllowedHostSuffixes;
        var outside = Messages.NewId("pp");
        var inside = Messages.NewId("pp");
        await fixture.Api.WriteStateAsync(Messages.State(outside, 1, 0, "https://attacker.example.com/"));
        await fixture.Api.WriteStateAsync(Messages.State(inside, 1, 0, "https://abc123xyz.ngrok-free.dev/"));
        using var http = Reader(production);

        var refused = await http.GetAsync($"/d/{outside}");
        var allowed = await http.GetAsync($"/d/{inside}");

        Assert.Equal(TunnelUrlPolicy.ProductionDefaultSuffixes, suffixes);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("allowed host suffixes", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
    }

    [Fact]
    public async Task Production_OperatorList_ReplacesTheDefault()
    {
        await using var api = new FleetApiFactory(fixture.Api.Settings with
        {
            Broker = BrokerSettings.ForEmbedded(),
            Extra = new Dictionary<string, string?> { ["Ingest:AllowedHostSuffixes:0"] = "relay.example.org" },
        });
        await using var production = InProduction(api);

        var suffixes = production.Services.GetRequiredService<IOptions<IngestOptions>>().Value.AllowedHostSuffixes;

        Assert.Equal(["relay.example.org"], suffixes);
    }

    [Fact]
    public async Task Production_AllowListSwitchedOff_WarnsAtStart()
    {
        using var logs = new CapturingLoggerProvider();
        await using var api = new FleetApiFactory(fixture.Api.Settings with
        {
            Broker = BrokerSettings.ForEmbedded(),
            Extra = new Dictionary<string, string?> { ["Ingest:AllowedHostSuffixes:0"] = "*" },
            LoggerProvider = logs,
        });
        await using var production = InProduction(api);

        _ = production.Server;

        Assert.Contains(logs.Lines, line => line.Contains("Ingest:AllowedHostSuffixes is off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllowedNetworks_NotANetwork_FailsTheStartNamingTheKey()
    {
        await using var api = new FleetApiFactory(fixture.Api.Settings with
        {
            Broker = BrokerSettings.ForEmbedded(),
            Extra = new Dictionary<string, string?> { ["Ingest:AllowedNetworks:0"] = "192.168.1.0/33" },
        });

        var error = await Record.ExceptionAsync(() => Task.FromResult(api.Server));

        Assert.NotNull(error);
        Assert.Contains("Ingest:AllowedNetworks", error.ToString(), StringComparison.Ordinal);
    }

    private static WebApplicationFactory<Program> InProduction(FleetApiFactory api) =>
        api.WithWebHostBuilder(b => b.UseEnvironment("Production"));

    private static HttpClient Reader(WebApplicationFactory<Program> api)
    {
        var client = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Reader);
        return client;
    }
}
