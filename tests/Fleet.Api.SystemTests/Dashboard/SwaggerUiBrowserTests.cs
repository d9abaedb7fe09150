using System.Text.Json;
using Fleet.Api.OpenApi;
using Fleet.Api.Startup;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Playwright;

namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>
/// Issue 11, finding 9 (Swagger UI) and finding 5 (look-alike hosts on the dashboard), in Debian's chromium against the
/// API as a real process in Development: Swagger UI renders and "Authorize" works under its Content-Security-Policy,
/// without leaving the key in localStorage; the dashboard marks an xn-- host.
/// </summary>
public sealed class SwaggerUiBrowserTests
{

    [Fact]
    public async Task SwaggerUi_UnderItsCsp_RendersAndAuthorizes_WithoutPersistingTheKey()
    {
        await using var api = await ApiProcess.StartDevelopmentAsync();
        var readerKey = api.DevelopmentCredentials().GetProperty("ReaderKey").GetString()!;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = $"http://127.0.0.1:{api.HttpPort}" });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };

        var response = await page.GotoAsync("/swagger/index.html");
        Assert.Equal(SwaggerUiSetup.ContentSecurityPolicy, await response!.HeaderValueAsync("content-security-policy"));
        await Assertions.Expect(page.Locator(".swagger-ui .info .title")).ToContainTextAsync("Fleet API");

        await page.ClickAsync(".swagger-ui .auth-wrapper button.authorize");
        await page.FillAsync(".swagger-ui .modal-ux input[type=text], .swagger-ui .modal-ux input[type=password]", readerKey);
        await page.ClickAsync(".swagger-ui .modal-ux .auth-btn-wrapper button.authorize");
        await page.ClickAsync(".swagger-ui .modal-ux .auth-btn-wrapper button.btn-done");

        await page.ClickAsync("#operations-Detectors-ListDetectors .opblock-summary");
        await page.ClickAsync("#operations-Detectors-ListDetectors button.try-out__btn");
        await page.ClickAsync("#operations-Detectors-ListDetectors button.execute");
        await Assertions.Expect(page.Locator("#operations-Detectors-ListDetectors .live-responses-table tr.response .response-col_status").First).ToContainTextAsync("200");

        var stored = await page.EvaluateAsync<string?>("() => window.localStorage.getItem('authorized')");
        Assert.Null(stored);
        Assert.DoesNotContain(readerKey, await page.EvaluateAsync<string>("() => JSON.stringify(Object.assign({}, window.localStorage))"), StringComparison.Ordinal);
        Assert.True(consoleErrors.Count == 0, string.Join(Environment.NewLine, consoleErrors));
    }

    [Fact]
    public async Task Dashboard_LookAlikeHost_IsShownInPunycodeWithAWarning()
    {
        await using var api = await ApiProcess.StartDevelopmentAsync();
        var credentials = api.DevelopmentCredentials();
        var id = DevelopmentDetector;
        await using (var detector = await MqttTestClient.ConnectAsync("127.0.0.1", api.MqttPort, id, credentials.GetProperty("DetectorPassword").GetString()!))
        {
            var state = Messages.State(id, 1, 0, "https://\u0430pple.com/login");
            Assert.True((await detector.PublishAsync(FleetTopics.State(id), Messages.Json(state))).IsSuccess);
        }

        await api.WaitUntilListedAsync(id);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = $"http://127.0.0.1:{api.HttpPort}" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#api-key", credentials.GetProperty("ReaderKey").GetString()!);
        await page.ClickAsync("#sign-in-form button[type=submit]");

        var row = page.Locator($"tr[data-id=\"{id}\"]");
        await Assertions.Expect(row.Locator("a.open")).ToHaveAttributeAsync("href", "https://xn--pple-43d.com/login");
        await Assertions.Expect(row.Locator(".warning.idn")).ToBeVisibleAsync();
    }

    private const string DevelopmentDetector = "pi-042";
}
