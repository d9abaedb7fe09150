using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.SystemTests.Startup;

/// <summary>
/// The zero-setup path exactly as a new user meets it: the API as a real process in Development, with its
/// embedded broker and embedded SQLite file, accepting the contract's example message from the development
/// detector and serving it.
/// </summary>
public sealed class EmbeddedDefaultTests
{
    [Fact]
    public async Task Development_StartsWithEmbeddedBrokerAndSqlite_AcceptsExampleStateAndServesIt()
    {
        await using var api = await ApiProcess.StartDevelopmentAsync();
        Assert.Contains("DEVELOPMENT CREDENTIALS", api.Log, StringComparison.Ordinal);

        var credentials = api.DevelopmentCredentials();
        var example = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "examples", "state.json"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api.HttpPort}") };

        // Ready means the API's own MQTT client is connected to its broker (and so subscribed).
        await Eventually.TrueAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, "the API is ready");
        await using (var detector = await MqttTestClient.ConnectAsync(
            "127.0.0.1", api.MqttPort, "pi-042", credentials.GetProperty("DetectorPassword").GetString()!))
        {
            var result = await detector.PublishAsync(FleetTopics.State("pi-042"), example);
            Assert.True(result.IsSuccess, result.ReasonCode.ToString());
        }

        http.DefaultRequestHeaders.Add("X-Api-Key", credentials.GetProperty("ReaderKey").GetString());
        List<DetectorView>? detectors;
        try
        {
            detectors = await Eventually.GetAsync(
                () => http.GetFromJsonAsync<List<DetectorView>>("/detectors"),
                list => list is { Count: > 0 },
                "pi-042 appears in GET /detectors");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}API output:{Environment.NewLine}{api.Log}", ex);
        }

        var view = Assert.Single(detectors!);
        Assert.Equal("pi-042", view.Id);
        Assert.Contains(view.Tunnels, t => t.Url == "https://ab12cd34.ngrok-free.app");
        Assert.True(File.Exists(Path.Combine(api.ContentRoot, "data", "fleet.db")), "the embedded SQLite file");
    }

    [Fact]
    public async Task Production_WithoutApiKeys_RefusesToStart()
    {
        await using var api = await ApiProcess.StartAsync("Production");

        await api.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, api.ExitCode);
        Assert.Contains("No API keys are configured", api.Log, StringComparison.Ordinal);
    }
}
