using System.Globalization;
using System.Text.Json;
using Fleet.Domain.Messages;

namespace Fleet.Cli.Tests;

/// <summary>ls (filters, --json, paging), show, history and the one-line errors, against seeded detectors.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliReadCommandsTests(CliApiFixture fixture) : IClassFixture<CliApiFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    private CliApi Api => fixture.Api;

    [Fact]
    public async Task Ls_TagAndStatusFilters_ListOnlyMatchingDetectors()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var tag = Messages.NewId("t");
        var (lab, field, gone) = (Messages.NewId("lab"), Messages.NewId("fld"), Messages.NewId("off"));
        foreach (var id in (string[])[lab, field, gone])
        {
            await Api.PublishAsync(id, 1, ("web", "https://ab12cd34.ngrok-free.app"));
        }

        await Api.TagAsync(lab, ct, tag, "lab");
        await Api.TagAsync(gone, ct, tag);
        await Api.Api.WriteStatusAsync(gone, Messages.Status(Presence.Offline, 1));

        var tagged = await Api.Cli.RunAsync(["ls", "--tag", tag], ct);
        var online = await Api.Cli.RunAsync(["ls", "--tag", tag, "--status", "online"], ct);
        var both = await Api.Cli.RunAsync(["ls", "--tag", tag, "--tag", "lab"], ct);

        Assert.True(tagged.ExitCode == 0, tagged.ToString());
        Assert.Equal(new[] { gone, lab }.Order(StringComparer.Ordinal), Ids(tagged.Output));
        Assert.Equal([lab], Ids(online.Output));
        Assert.Equal([lab], Ids(both.Output));
        Assert.StartsWith("ID", tagged.Output, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{gone}\s+offline\s", tagged.Output);
    }

    [Fact]
    public async Task Ls_JsonWithSmallPages_FollowsEveryPage()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var tag = Messages.NewId("p");
        var ids = Enumerable.Range(0, 5).Select(_ => Messages.NewId("pg")).Order(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
        {
            await Api.PublishAsync(id, 1, ("web", "https://ab12cd34.ngrok-free.app"));
            await Api.TagAsync(id, ct, tag);
        }

        var result = await Api.Cli.RunAsync(["ls", "--tag", tag, "--json", "--page-size", "2"], ct);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(ids, json.RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(json.RootElement.EnumerateArray(), d => Assert.Equal("https://ab12cd34.ngrok-free.app", d.GetProperty("tunnels")[0].GetProperty("url").GetString()));
    }

    [Fact]
    public async Task ShowAndHistory_DetectorWhoseUrlChanged_ShowCurrentUrlAndUrlAtEarlierTime()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var id = Messages.NewId("hs");
        await Api.PublishAsync(id, 1, ("ssh", $"tcp://{CliApi.RelayHost}:20001"));
        await Api.PublishAsync(id, 2, ("ssh", $"tcp://{CliApi.RelayHost}:20002"));

        // A time between the two changes on the API's clock (`until` is exclusive), from the history itself.
        using var reader = Api.Api.CreateReader();
        using var events = JsonDocument.Parse(await reader.GetStringAsync($"/detectors/{id}/history", ct));
        DateTimeOffset At(string type) => events.RootElement.EnumerateArray().Single(e => e.GetProperty("type").GetString() == type).GetProperty("at").GetDateTimeOffset();
        var (added, changed) = (At("tunnel-added"), At("url-changed"));
        Assert.True(added < changed, $"tunnel-added at {added:O}, url-changed at {changed:O}");
        var between = added + ((changed - added) / 2);

        var show = await Api.Cli.RunAsync(["show", id], ct);
        var history = await Api.Cli.RunAsync(["history", id], ct);
        var then = await Api.Cli.RunAsync(["history", id, "--at", between.ToString("O", CultureInfo.InvariantCulture)], ct);

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains($"tcp://{CliApi.RelayHost}:20002", show.Output, StringComparison.Ordinal);
        Assert.Contains("url-changed", history.Output, StringComparison.Ordinal);
        Assert.True(then.ExitCode == 0, then.ToString());
        Assert.Matches($@"(?m)^ssh\s+tcp://{CliApi.RelayHost}:20001\s", then.Output);
        Assert.DoesNotContain(":20002", then.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowAndSsh_UnknownDetectorOrNoTcpTunnel_ExitWithOneLine()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var web = Messages.NewId("web");
        await Api.PublishAsync(web, 1, ("web", "https://ab12cd34.ngrok-free.app"));

        var unknown = await Api.Cli.RunAsync(["show", "no-such-detector"], ct);
        var noTunnel = await Api.Cli.RunAsync(["ssh", web], ct);

        Assert.Equal(5, unknown.ExitCode);
        Assert.Equal("fleet: unknown detector 'no-such-detector'", unknown.Error.TrimEnd());
        Assert.Equal(6, noTunnel.ExitCode);
        Assert.Equal($"fleet: detector '{web}' has no ssh (tcp://) tunnel (its tunnels: web=https://ab12cd34.ngrok-free.app)", noTunnel.Error.TrimEnd());
    }

    [Fact]
    public async Task Ls_ApiNotListening_Exits3WithOneLine()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var cli = FleetCli.InNewHome();
        var nobody = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        Assert.Equal(0, (await cli.RunAsync(["login", "--no-check", nobody.ToString()], ct, "some-key\n")).ExitCode);

        var result = await cli.RunAsync(["ls"], ct);

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith($"fleet: cannot reach the API at {nobody}", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Directory.Delete(cli.ConfigHome, recursive: true);
    }

    private static string[] Ids(string table) =>
        [.. table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(' ')[0]).Order(StringComparer.Ordinal)];
}
