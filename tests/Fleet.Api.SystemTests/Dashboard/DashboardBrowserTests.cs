using System.Text.Json;
using Fleet.Api.Dashboard;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Playwright;

namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's chromium driven by Playwright) against the API as a real process in
/// Development (embedded broker, SQLite, generated development keys): sign in, see a detector, watch it change live.
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string DetectorId = "pi-042";

    [Fact]
    public async Task Dashboard_SignedInAsReader_ShowsDetectorLinks_AndUpdatesLive()
    {
        await using var api = await ApiProcess.StartDevelopmentAsync();
        var credentials = api.DevelopmentCredentials();
        var detectorPassword = credentials.GetProperty("DetectorPassword").GetString()!;
        await PublishAsync(api, detectorPassword, State(seq: 0, web: "https://ab12cd34.ngrok-free.app"));
        await api.WaitUntilListedAsync(DetectorId);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = $"http://127.0.0.1:{api.HttpPort}", ViewportSize = new ViewportSize { Width = 1280, Height = 640 },
        });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            // The first GET /detectors answers 401 by design (that is how the page knows to ask for a key);
            // anything else, above all a Content-Security-Policy violation, is a failure.
            if (message.Type == "error" && !message.Text.Contains("status of 401", StringComparison.Ordinal))
            {
                consoleErrors.Add(message.Text);
            }
        };

        var response = await page.GotoAsync("/");
        Assert.NotNull(response);
        Assert.Equal(DashboardFiles.ContentSecurityPolicy, await response.HeaderValueAsync("content-security-policy"));
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();

        await page.FillAsync("#api-key", credentials.GetProperty("ReaderKey").GetString()!);
        await page.ClickAsync("#sign-in-form button[type=submit]");

        var row = page.Locator($"tr[data-id=\"{DetectorId}\"]");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("online");
        var link = row.Locator("a.open");
        await Assertions.Expect(link).ToHaveAttributeAsync("href", "https://ab12cd34.ngrok-free.app/");
        await Assertions.Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Assertions.Expect(link).ToHaveAttributeAsync("target", "_blank");
        await Assertions.Expect(row.Locator("code.ssh")).ToHaveTextAsync("ssh -p 12345 pi@0.tcp.eu.ngrok.io");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");

        // A new URL, published after the page loaded, arrives through /events without a reload.
        await PublishAsync(api, detectorPassword, State(seq: 1, web: "https://ef56gh78.ngrok-free.app"));
        await Assertions.Expect(link).ToHaveAttributeAsync("href", "https://ef56gh78.ngrok-free.app/");
        await Assertions.Expect(page.Locator("#filter")).ToBeVisibleAsync();

        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(File.Exists(screenshot), screenshot);

        // Filtering hides the row; signing out brings the sign-in box back.
        await page.FillAsync("#filter", "no-such-detector");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        Assert.Empty(consoleErrors);
    }

    private static StateMessage State(long seq, string web) => Messages.State(DetectorId, 1, seq, web) with
    {
        Tunnels =
        [
            new TunnelReport { Name = "web", Url = web, Proto = "https", Upstream = "http://localhost:80" },
            new TunnelReport { Name = "ssh", Url = "tcp://0.tcp.eu.ngrok.io:12345", Proto = "tcp", Upstream = "localhost:22" },
        ],
    };

    private static async Task PublishAsync(ApiProcess api, string password, StateMessage state)
    {
        await using var detector = await MqttTestClient.ConnectAsync("127.0.0.1", api.MqttPort, DetectorId, password);
        var result = await detector.PublishAsync(FleetTopics.State(DetectorId), Messages.Json(state));
        Assert.True(result.IsSuccess, result.ReasonCode.ToString());
    }
}
