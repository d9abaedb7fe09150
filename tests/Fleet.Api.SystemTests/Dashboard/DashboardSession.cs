using Microsoft.Playwright;

namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>
/// The dashboard in headless chromium for the fleet-scale tests: one page, signed in with the reader key, console
/// errors collected. The context bypasses the CSP only so that the accessibility scan can be injected; the CSP itself
/// is checked by <see cref="DashboardBrowserTests"/>.
/// </summary>
internal sealed class DashboardSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IBrowserContext _context;

    private DashboardSession(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        _context = context;
        Page = page;
        Page.Console += (_, message) =>
        {
            // The first GET /detectors answers 401 by design (that is how the page knows to ask for a key).
            if (message.Type == "error" && !message.Text.Contains("status of 401", StringComparison.Ordinal))
            {
                ConsoleErrors.Add(message.Text);
            }
        };
    }

    public IPage Page { get; }

    public List<string> ConsoleErrors { get; } = [];

    public static async Task<DashboardSession> SignInAsync(int port)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await HeadlessChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = $"http://127.0.0.1:{port}",
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            BypassCSP = true,
            TimezoneId = "UTC",
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        var page = await context.NewPageAsync();
        var session = new DashboardSession(playwright, browser, context, page);
        await page.GotoAsync("/");
        await page.FillAsync("#api-key", TestKeys.Reader);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");
        return session;
    }

    public ILocator Row(string id) => Page.Locator($"tr[data-id=\"{id}\"]");

    /// <summary>The focused element as "detector id / data-key" ("/" when focus is on something else, e.g. body).</summary>
    public Task<string> FocusAsync() => Page.EvaluateAsync<string>(
        "() => { const a = document.activeElement; const row = a && a.closest('tr[data-id]'); return `${row ? row.dataset.id : ''}/${a && a.dataset ? a.dataset.key || '' : ''}`; }");

    /// <summary>How many CSS pixels the page is wider than the window (0: no horizontal scroll).</summary>
    public Task<int> OverflowAsync() => Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");

    public async Task AssertAccessibleAsync(string what)
    {
        var violations = await AxeScan.SeriousViolationsAsync(Page);
        Assert.True(violations.Count == 0, $"axe on {what}:\n{string.Join('\n', violations)}");
    }

    public Task ScreenshotAsync(string name) => Page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf(name), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
