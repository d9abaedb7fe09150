using Fleet.Api.Events;
using Fleet.Domain.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>
/// Reachability on the dashboard in a real browser: an online detector that cannot be reached gets a mark and each
/// failing tunnel its reason in the API's words, and a reachability event on <c>/events</c> brings the change without
/// a reload. The API runs in process on Kestrel so the test can write the columns the ingest and the prober write
/// and announce the change on the live stream as they do.
/// </summary>
public sealed class DashboardReachabilityBrowserTests
{
    [Fact]
    public async Task Dashboard_ReachabilityEvents_ShowTheMarkAndReasonThenClearIt()
    {
        var port = FreePort.Next();
        await using var api = new FleetApiFactory(new FleetApiSettings(await MigratedDatabase.CreateAsync("dashreach"), BrokerSettings.ForEmbedded()));
        api.UseKestrel(port);
        api.StartServer();
        await Eventually.TrueAsync(() => Task.FromResult(api.MqttConnected), "the API connected to its broker");
        var id = Messages.NewId("dr");
        await api.WriteStateAsync(Messages.State(id, 1, 0) with
        {
            Tunnels =
            [
                new TunnelReport { Name = "web", Url = "https://ab12cd34.ngrok-free.app", Proto = "https", Upstream = "http://localhost:80" },
                new TunnelReport { Name = "ssh", Url = "tcp://0.tcp.eu.ngrok.io:12345", Proto = "tcp", Upstream = "localhost:22" },
            ],
        });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = $"http://127.0.0.1:{port}", ViewportSize = new ViewportSize { Width = 1280, Height = 640 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#api-key", TestKeys.Reader);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        var row = page.Locator($"tr[data-id=\"{id}\"]");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");
        await Assertions.Expect(row.Locator(".reach")).ToHaveCountAsync(0);

        // The web tunnel's service is down (the agent saw it); the ssh tunnel's edge has no endpoint (the probe saw it).
        await api.SetAsync(id, ReachabilityStates.Unreachable, d =>
        {
            d.Tunnels.Single(t => t.Name == "web").Check(CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", 502);
            d.Tunnels.Single(t => t.Name == "ssh").Probe(CheckOutcomes.EndpointOffline, DateTimeOffset.UtcNow);
        });
        Announce(api, id, EventTypes.Unreachable);

        await Assertions.Expect(row.Locator(".reach.unreachable")).ToHaveTextAsync("\u26a0 unreachable");
        await Assertions.Expect(row.Locator(".reason")).ToHaveTextAsync(
        [
            // Tunnels by name: ssh, then web.
            "the provider has no live endpoint for this URL, seen by the API's probe",
            "the service behind the tunnel does not answer (ERR_NGROK_8012), seen by the agent",
        ]);
        await Assertions.Expect(row.Locator(".tunnel").Filter(new LocatorFilterOptions { HasText = "ngrok-free.app" }).Locator(".reason"))
            .ToHaveTextAsync("the service behind the tunnel does not answer (ERR_NGROK_8012), seen by the agent");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard-unreachable.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });

        // The reachability filter keeps it under "unreachable" and hides it under "reachable".
        await page.SelectOptionAsync("#reachability-filter", "reachable");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await page.SelectOptionAsync("#reachability-filter", "unreachable");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await page.SelectOptionAsync("#reachability-filter", "");

        // Both answer again.
        await api.SetAsync(id, ReachabilityStates.Reachable, d =>
        {
            d.Tunnels.Single(t => t.Name == "web").Check(CheckOutcomes.Ok, httpStatus: 200);
            d.Tunnels.Single(t => t.Name == "ssh").Probe(CheckOutcomes.Ok, DateTimeOffset.UtcNow);
        });
        Announce(api, id, EventTypes.Reachable);

        await Assertions.Expect(row.Locator(".reach")).ToHaveTextAsync("reachable");
        await Assertions.Expect(row.Locator(".reason")).ToHaveCountAsync(0);
    }

    /// <summary>What the writers do after a commit that changed the summary: the event on the live stream.</summary>
    private static void Announce(FleetApiFactory api, string id, string type) =>
        api.Services.GetRequiredService<EventStream>().Publish(new FleetEvent { Type = type, DetectorId = id, At = DateTimeOffset.UtcNow });
}
