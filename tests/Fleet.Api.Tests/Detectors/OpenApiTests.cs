using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fleet.Api.Tests.Detectors;

public sealed class OpenApiTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    [Fact]
    public async Task OpenApiDocument_DescribesEveryDetectorEndpoint_AndTheApiKeyScheme()
    {
        using var http = fixture.Api.CreateClient();

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        var list = paths.GetProperty("/detectors").GetProperty("get");
        var parameters = list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["status", "reachability", "tag", "q", "limit", "after", "health", "provider", "ngrokAccount", "sort", "If-None-Match"], parameters);
        Assert.True(list.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(list.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(paths.GetProperty("/detectors/{id}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/detectors/{id}").TryGetProperty("patch", out _));
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_ReachabilityFilterAndFields_AreDescribed()
    {
        using var http = fixture.Api.CreateClient();

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var filter = document.GetProperty("paths").GetProperty("/detectors").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "reachability");
        Assert.Contains("`degraded` (online, some checked tunnels fail)", filter.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            ["reachable", "degraded", "unreachable", "unknown"],
            filter.GetProperty("schema").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).ToList());
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var outcome = schemas.GetProperty("TunnelCheck").GetProperty("properties").GetProperty("outcome");
        Assert.Contains("`upstream-down` (the service behind the tunnel does not answer)", outcome.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(schemas.GetProperty("ReachabilityView").GetProperty("properties").GetProperty("state").TryGetProperty("description", out _));
        Assert.True(document.GetProperty("paths").GetProperty("/reachability/words").TryGetProperty("get", out _));
    }

    [Fact]
    public async Task SwaggerUi_IsServedAndPointsAtTheDocument()
    {
        using var http = fixture.Api.CreateClient();

        var page = await http.GetAsync("/swagger/index.html");
        var config = await http.GetStringAsync("/swagger/index.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/openapi/v1.json", config, StringComparison.Ordinal);
    }
}
