using Fleet.Domain.Messages;
using Microsoft.Playwright;

namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>
/// Health on the dashboard in a real browser (strict CSP, the static files as shipped): a detector whose agent reports a
/// failing check shows a fail badge and the check's words, one without health shows none, and the health filter
/// keeps only the detectors with that status.
/// </summary>
public sealed class DashboardHealthBrowserTests
{
    [Fact]
    public async Task Dashboard_FailingHealthCheck_ShowsBadgeAndWordsAndFilters()
    {
        var port = FreePort.Next();
        await using var api = new FleetApiFactory(new FleetApiSettings(await MigratedDatabase.CreateAsync("dashhealth"), BrokerSettings.ForEmbedded()));
        api.UseKestrel(port);
        api.StartServer();
        await Eventually.TrueAsync(() => Task.FromResult(api.MqttConnected), "the API connected to its broker");
        var sick = Messages.NewId("dh");
        var plain = Messages.NewId("dp");
        await api.WriteStateAsync(Messages.State(sick, 1, 0) with
        {
            Health = new HealthReport
            {
                Status = HealthOutcomes.Fail,
                Facts = new HealthFacts { CpuTemperatureC = 61.5 },
                Checks =
                [
                    new HealthCheckResult { Name = "daq", Outcome = HealthOutcomes.Fail, Text = "acquisition stopped" },
                    new HealthCheckResult { Name = "disk", Outcome = HealthOutcomes.Ok },
                ],
            },
        });
        await api.WriteStateAsync(Messages.State(plain, 1, 0));

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
        var sickRow = page.Locator($"tr[data-id=\"{sick}\"]");
        var plainRow = page.Locator($"tr[data-id=\"{plain}\"]");
        await Assertions.Expect(sickRow).ToBeVisibleAsync();

        await Assertions.Expect(sickRow.Locator(".health-badge.fail")).ToHaveTextAsync("fail");
        await Assertions.Expect(sickRow.Locator(".health-check")).ToHaveTextAsync(["daq: acquisition stopped"]);
        await Assertions.Expect(sickRow.Locator(".facts")).ToContainTextAsync("61.5");
        await Assertions.Expect(plainRow.Locator(".health-badge")).ToHaveCountAsync(0);

        await page.SelectOptionAsync("#health-filter", "ok");
        await Assertions.Expect(sickRow).ToHaveCountAsync(0);
        await page.SelectOptionAsync("#health-filter", "fail");
        await Assertions.Expect(sickRow).ToBeVisibleAsync();
        await Assertions.Expect(plainRow).ToHaveCountAsync(0);
    }
}
