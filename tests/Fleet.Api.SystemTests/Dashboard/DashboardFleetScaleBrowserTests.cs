using System.Diagnostics;
using System.Globalization;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>
/// The dashboard on 10,000 detectors (seeded through the API's DbContext on real PostgreSQL): the first page renders
/// (its time is recorded, not asserted), filtering by tag and status, paging to the last detector, a state published
/// over MQTT arriving live in its row with focus kept, the detail view's history, screenshots at 1280 and 375 px, and
/// the accessibility scan on the list and the detail view.
/// </summary>
[Trait("Suite", "Long")]
public sealed class DashboardFleetScaleBrowserTests(ITestOutputHelper output)
{
    private const int Count = 10_000;

    // A page of 1,000 rows on a busy 2-core machine takes seconds to read and render: wait for it, never time it.
    private static readonly LocatorAssertionsToHaveCountOptions BigPage = new() { Timeout = 60_000 };
    private static readonly LocatorAssertionsToHaveAttributeOptions BigPageAttribute = new() { Timeout = 60_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions BigPageVisible = new() { Timeout = 60_000 };

    [Fact]
    public async Task Dashboard_TenThousandDetectors_FiltersPagesToTheLastAndUpdatesLive()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = timeout.Token;
        var port = FreePort.Next();
        await using var api = new FleetApiFactory(new FleetApiSettings(await MigratedDatabase.CreateAsync("dashscale", ct), BrokerSettings.ForEmbedded()));
        api.UseKestrel(port);
        api.StartServer();
        await Eventually.TrueAsync(() => Task.FromResult(api.MqttConnected), "the API connected to its broker");
        var seeding = Stopwatch.StartNew();
        await DashboardFleet.SeedAsync(api, Count, ct);
        output.WriteLine($"seeded {Count} detectors in {seeding.ElapsedMilliseconds} ms");
        var live = DashboardFleet.Id(3);
        var password = await api.ProvisionEmbeddedDetectorAsync(live);

        await using var session = await DashboardSession.SignInAsync(port);
        var page = session.Page;

        // First render of a fresh page load with the session already there: recorded, never asserted.
        var firstRender = Stopwatch.StartNew();
        await page.GotoAsync("/");
        await Assertions.Expect(session.Row(DashboardFleet.Id(1))).ToBeVisibleAsync();
        firstRender.Stop();
        var mark = await page.EvaluateAsync<double>("() => performance.getEntriesByName('fleet:list-rendered')[0].startTime");
        var record = string.Create(CultureInfo.InvariantCulture,
            $"first page of {Count} detectors: {firstRender.ElapsedMilliseconds} ms from navigation to the first row visible (test clock), {mark:F0} ms to the list rendered (page clock)\n");
        output.WriteLine(record);
        await File.WriteAllTextAsync(Screenshots.PathOf("first-render.txt"), record, ct);
        await Assertions.Expect(page.Locator("#detectors tr")).ToHaveCountAsync(100);
        await Assertions.Expect(page.Locator("#page-status")).ToHaveTextAsync("1\u2013100 of 10,000 detectors");
        await Assertions.Expect(page.Locator("#counts button.count.online strong")).ToHaveTextAsync("7,000");
        await Assertions.Expect(page.Locator("#counts button.count.lost strong")).ToHaveTextAsync("1,000");
        await session.ScreenshotAsync("dashboard-10000-1280.png");
        await session.AssertAccessibleAsync("the list of 10,000");

        // A state published over MQTT arrives in its row; focus stays on the row's link.
        var row = session.Row(live);
        await row.Locator("a.detail-link").FocusAsync();
        await PublishAsync(api, live, password, ct);
        await Assertions.Expect(row.Locator("a.open")).ToHaveAttributeAsync("href", "https://moved-00003.ngrok-free.app/");
        Assert.Equal($"{live}/detail", await session.FocusAsync());

        // Filter by tag and status: every lost detector of site north (i % 20 == 0: 500 of them).
        await page.SelectOptionAsync("#status-filter", "lost");
        await page.FillAsync("#tag-filter", "north");
        await page.PressAsync("#tag-filter", "Enter");
        await Assertions.Expect(page.Locator("#page-status")).ToHaveTextAsync("1\u2013100 of 500 detectors");
        await Assertions.Expect(page.Locator("#detectors tr[data-status=lost]")).ToHaveCountAsync(100);
        await Assertions.Expect(page.Locator("#detectors tr").First).ToHaveAttributeAsync("data-id", DashboardFleet.Id(20));
        Assert.All(await page.Locator("#detectors td.tags").AllTextContentsAsync(), tags => Assert.Contains("north", tags, StringComparison.Ordinal));

        // Paging reaches the last detector (1,000 a page: ten pages), and back again.
        await page.GotoAsync("/?limit=1000");
        await Assertions.Expect(page.Locator("#detectors tr")).ToHaveCountAsync(1000, BigPage);
        for (var i = 1; i < Count / 1000; i++)
        {
            await page.ClickAsync("#next-page");
            await Assertions.Expect(page.Locator("#detectors tr").First).ToHaveAttributeAsync("data-id", DashboardFleet.Id((i * 1000) + 1), BigPageAttribute);
        }

        await Assertions.Expect(session.Row(DashboardFleet.Id(Count))).ToBeVisibleAsync(BigPageVisible);
        await Assertions.Expect(page.Locator("#next-page")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#page-status")).ToHaveTextAsync("9001\u201310000 of 10,000 detectors");
        await page.ClickAsync("#prev-page");
        await Assertions.Expect(page.Locator("#detectors tr").First).ToHaveAttributeAsync("data-id", DashboardFleet.Id(8001), BigPageAttribute);

        // The detail view of the detector that moved: its history has the URL change.
        await page.GotoAsync($"/?detector={live}");
        await Assertions.Expect(page.Locator("#timeline li.url-changed").First)
            .ToContainTextAsync($"web: {DashboardFleet.WebUrl(3)} \u2192 https://moved-00003.ngrok-free.app");
        await session.AssertAccessibleAsync("the detail view");
        await session.ScreenshotAsync("dashboard-10000-detail-1280.png");

        await page.SetViewportSizeAsync(375, 800);
        Assert.Equal(0, await session.OverflowAsync());
        await session.ScreenshotAsync("dashboard-10000-detail-375.png");
        await page.GotoAsync("/");
        await Assertions.Expect(session.Row(DashboardFleet.Id(1))).ToBeVisibleAsync();
        Assert.Equal(0, await session.OverflowAsync());
        await session.ScreenshotAsync("dashboard-10000-375.png");
        Assert.Empty(session.ConsoleErrors);
    }

    private static async Task PublishAsync(FleetApiFactory api, string id, string password, CancellationToken ct)
    {
        var state = Messages.State(id, 1, 0, "https://moved-00003.ngrok-free.app") with
        {
            Tunnels =
            [
                new TunnelReport { Name = "web", Url = "https://moved-00003.ngrok-free.app", Proto = "https", Upstream = "http://localhost:80" },
                new TunnelReport { Name = "ssh", Url = "tcp://0.tcp.eu.ngrok.io:10003", Proto = "tcp", Upstream = "localhost:22" },
            ],
        };
        await using var detector = await MqttTestClient.ConnectAsync("127.0.0.1", api.Settings.Broker.Port, id, password, ct: ct);
        var result = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(state), ct: ct);
        Assert.True(result.IsSuccess, result.ReasonCode.ToString());
    }
}
