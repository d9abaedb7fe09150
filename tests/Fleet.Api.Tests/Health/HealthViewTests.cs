using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Health;

/// <summary>Health as <c>GET /detectors</c> and <c>GET /detectors/{id}</c> show it, and the <c>health</c> filter, on each provider.</summary>
public abstract class HealthViewTests : IAsyncLifetime
{
    protected FleetApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync() => Api = await FleetApiFactory.StartAsync(await CreateSettingsAsync());

    public virtual async Task DisposeAsync() => await Api.DisposeAsync();

    protected abstract Task<FleetApiSettings> CreateSettingsAsync();

    [Fact]
    public async Task ListDetectors_FilteredByHealth_ReturnsOnlyThoseWithThatStatus()
    {
        var prefix = Messages.NewId("hf");
        var ok = prefix + "-ok";
        var failing = prefix + "-fail";
        var warning = prefix + "-warn";
        var none = prefix + "-none";
        await Api.WriteStateAsync(HealthStates.State(ok, 0, HealthStates.Report(("daq", HealthOutcomes.Ok, null))));
        await Api.WriteStateAsync(HealthStates.State(failing, 0, HealthStates.Report(("daq", HealthOutcomes.Fail, "stopped"), ("disk", HealthOutcomes.Ok, null))));
        await Api.WriteStateAsync(HealthStates.State(warning, 0, HealthStates.Report(("disk", HealthOutcomes.Warn, "90 % full"))));
        await Api.WriteStateAsync(HealthStates.State(none, 0, null));
        using var http = Api.CreateReader();

        async Task<string> IdsAsync(string query) =>
            string.Join(',', (await http.GetFromJsonAsync<List<DetectorView>>($"/detectors?q={prefix}&{query}"))!.Select(d => d.Id));

        Assert.Equal(failing, await IdsAsync("health=fail"));
        Assert.Equal(ok, await IdsAsync("health=ok"));
        Assert.Equal(string.Join(',', new[] { failing, warning }.Order(StringComparer.Ordinal)), await IdsAsync("health=fail&health=warn"));
        Assert.Equal(4, (await IdsAsync("limit=10")).Split(',').Length);
    }

    [Fact]
    public async Task GetDetector_WithHealth_ShowsTheSectionAsSent()
    {
        var id = Messages.NewId("hg");
        var report = HealthStates.Report(("daq", HealthOutcomes.Fail, "stopped"));
        await Api.WriteStateAsync(HealthStates.State(id, 0, report));
        using var http = Api.CreateReader();

        var view = (await http.GetFromJsonAsync<DetectorView>($"/detectors/{id}"))!;

        Assert.NotNull(view.Health);
        Assert.Equal(HealthOutcomes.Fail, view.Health.Status);
        // Records compare lists by reference: the wire forms are compared instead.
        Assert.Equal(JsonSerializer.Serialize(report, FleetJsonContext.Default.HealthReport), JsonSerializer.Serialize(view.Health, FleetJsonContext.Default.HealthReport));
    }

    [Fact]
    public async Task GetDetector_WithoutHealth_HasNoHealthKey()
    {
        var id = Messages.NewId("hn");
        await Api.WriteStateAsync(HealthStates.State(id, 0, null));
        using var http = Api.CreateReader();

        var json = await http.GetFromJsonAsync<JsonElement>($"/detectors/{id}");

        Assert.False(json.TryGetProperty("health", out _));
    }

    [Fact]
    public async Task ListDetectors_UnknownHealth_IsAProblemNaming400()
    {
        using var http = Api.CreateReader();

        using var response = await http.GetAsync("/detectors?health=sick");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unknown health", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
