using Microsoft.Playwright;

namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>Debian's chromium, driven by Playwright without any browser download, for the browser tests.</summary>
internal static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Launches the browser; fails (never skips) with what to install when it is missing.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Path), $"The browser test needs {Path}: apt-get install -y chromium");
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Path, Headless = true, Args = Args });
    }
}
