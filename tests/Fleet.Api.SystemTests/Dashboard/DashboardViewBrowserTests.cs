using System.Net.Http.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Playwright;

namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>
/// The dashboard's view on a few detectors, quick enough for the default suite: the view in the URL (filters, back and
/// forward), live updates that keep keyboard focus, not-current URLs of a lost detector, the detail view with its
/// history, 375 px without horizontal scroll, and the accessibility scan (axe-core) on the list and the detail view.
/// </summary>
public sealed class DashboardViewBrowserTests
{
    [Fact]
    public async Task Dashboard_FewDetectors_KeepsViewInUrlAndFocusOnLiveUpdates_AndPassesAxe()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        var port = FreePort.Next();
        await using var api = new FleetApiFactory(new FleetApiSettings(await MigratedDatabase.CreateAsync("dashview", ct), BrokerSettings.ForEmbedded()));
        api.UseKestrel(port);
        api.StartServer();
        await Eventually.TrueAsync(() => Task.FromResult(api.MqttConnected), "the API connected to its broker");
        var live = Messages.NewId("dv");
        var other = Messages.NewId("dw");
        var lost = Messages.NewId("dx");
        var password = await api.ProvisionEmbeddedDetectorAsync(live);
        await api.WriteStateAsync(State(live, 0, "https://ab12cd34.ngrok-free.app"));
        await api.WriteStateAsync(State(other, 0, "https://other.ngrok-free.app"));
        await api.WriteStateAsync(State(lost, 0, "https://gone.ngrok-free.app"));
        await api.WriteStatusAsync(lost, Messages.Status(Presence.Lost, 1));
        using (var admin = api.CreateAdmin())
        {
            (await admin.PatchAsJsonAsync($"/detectors/{live}", new { tags = new[] { "north" } }, ct)).EnsureSuccessStatusCode();
            (await admin.PatchAsJsonAsync($"/detectors/{other}", new { tags = new[] { "south" } }, ct)).EnsureSuccessStatusCode();
        }

        await using var session = await DashboardSession.SignInAsync(port);
        var page = session.Page;
        await Assertions.Expect(page.Locator("#detectors tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#counts button.count.lost strong")).ToHaveTextAsync("1");
        await session.AssertAccessibleAsync("the list");

        // A lost detector's URL is its last known one: shown as not current, not as a link.
        await Assertions.Expect(session.Row(lost).Locator("a.open")).ToHaveCountAsync(0);
        await Assertions.Expect(session.Row(lost).Locator(".not-current").First).ToContainTextAsync("not current");
        await Assertions.Expect(session.Row(lost).Locator(".stale-url")).ToHaveTextAsync(["ssh -p 12345 pi@0.tcp.eu.ngrok.io", "https://gone.ngrok-free.app/"]);

        // The view lives in the URL; back and forward restore it, controls included.
        await page.SelectOptionAsync("#status-filter", "online");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"\?status=online$"));
        await Assertions.Expect(page.Locator("#detectors tr")).ToHaveCountAsync(2);
        await page.FillAsync("#tag-filter", "north");
        await page.PressAsync("#tag-filter", "Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"\?status=online&tag=north$"));
        await Assertions.Expect(page.Locator("#detectors tr")).ToHaveCountAsync(1);
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#detectors tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#tag-filter")).ToHaveValueAsync("");
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#detectors tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#status-filter")).ToHaveValueAsync("");
        await page.GoForwardAsync();
        await Assertions.Expect(page.Locator("#status-filter")).ToHaveValueAsync("online");
        await Assertions.Expect(page.Locator("#detectors tr")).ToHaveCountAsync(2);

        // Live updates change the row in place: focus stays on the detector's link, and on the Copy button of a tunnel
        // whose cell is rebuilt.
        var row = session.Row(live);
        await row.Locator("a.detail-link").FocusAsync();
        await PublishAsync(api, live, password, State(live, 1, "https://ef56gh78.ngrok-free.app"), ct);
        await Assertions.Expect(row.Locator("a.open")).ToHaveAttributeAsync("href", "https://ef56gh78.ngrok-free.app/");
        Assert.Equal($"{live}/detail", await session.FocusAsync());
        await row.Locator("button.copy").FocusAsync();
        await PublishAsync(api, live, password, State(live, 2, "https://ij90kl12.ngrok-free.app"), ct);
        await Assertions.Expect(row.Locator("a.open")).ToHaveAttributeAsync("href", "https://ij90kl12.ngrok-free.app/");
        Assert.Equal($"{live}/tunnel:ssh:copy", await session.FocusAsync());

        // The detail view, opened with the keyboard: tunnels, provider in words, and the history with "URL at time T".
        await row.Locator("a.detail-link").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($@"\?status=online&detector={live}$"));
        await Assertions.Expect(page.Locator("#detail-title")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#detail-body")).ToContainTextAsync("ngrok 3.19.0: running");
        await Assertions.Expect(page.Locator("#detail-body code.ssh")).ToHaveTextAsync("ssh -p 12345 pi@0.tcp.eu.ngrok.io");
        await Assertions.Expect(page.Locator("#timeline li.url-changed").First).ToContainTextAsync("https://ef56gh78.ngrok-free.app \u2192 https://ij90kl12.ngrok-free.app");
        await page.FillAsync("#url-at", DateTime.UtcNow.AddMinutes(1).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#url-at-form button[type=submit]");
        await Assertions.Expect(page.Locator("#url-at-result li[data-tunnel=web]")).ToContainTextAsync("web: https://ij90kl12.ngrok-free.app");
        await session.AssertAccessibleAsync("the detail view");
        await session.ScreenshotAsync("dashboard-detail-1280.png");

        // Back to the list: the same filtered view, focus on the detector that was open.
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#fleet")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#detectors tr")).ToHaveCountAsync(2);
        Assert.Equal($"{live}/detail", await session.FocusAsync());

        // A phone: cards instead of a table, nothing wider than the window.
        await page.SetViewportSizeAsync(375, 800);
        Assert.Equal(0, await session.OverflowAsync());
        await session.AssertAccessibleAsync("the list at 375 px");
        await session.ScreenshotAsync("dashboard-list-375.png");
        await row.Locator("a.detail-link").ClickAsync();
        await Assertions.Expect(page.Locator("#timeline li").First).ToBeVisibleAsync();
        Assert.Equal(0, await session.OverflowAsync());
        await session.ScreenshotAsync("dashboard-detail-375.png");
        Assert.Empty(session.ConsoleErrors);
    }

    private static StateMessage State(string id, long seq, string web) => Messages.State(id, 1, seq, web) with
    {
        Tunnels =
        [
            new TunnelReport { Name = "web", Url = web, Proto = "https", Upstream = "http://localhost:80" },
            new TunnelReport { Name = "ssh", Url = "tcp://0.tcp.eu.ngrok.io:12345", Proto = "tcp", Upstream = "localhost:22" },
        ],
    };

    private static async Task PublishAsync(FleetApiFactory api, string id, string password, StateMessage state, CancellationToken ct)
    {
        await using var detector = await MqttTestClient.ConnectAsync("127.0.0.1", api.Settings.Broker.Port, id, password, ct: ct);
        var result = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(state), ct: ct);
        Assert.True(result.IsSuccess, result.ReasonCode.ToString());
    }
}
