using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fleet.Api.Tests.Detectors;

/// <summary>Every error is RFC 9457 problem details with a message that says what was wrong.</summary>
public sealed class ProblemDetailsTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    private FleetApiFactory Api => fixture.Api;

    [Theory]
    [InlineData("/detectors?status=sleeping", "status", "Unknown status 'sleeping'")]
    [InlineData("/detectors?limit=0", "limit", "between 1 and 1000")]
    [InlineData("/detectors?limit=5000", "limit", "between 1 and 1000")]
    [InlineData("/detectors?after=%%%not-a-cursor", "after", "not a valid cursor")]
    [InlineData("/detectors?after=Tk9QRQ", "after", "not a valid cursor")]
    [InlineData("/detectors/Not_An_Id", "id", "is not a valid detector id")]
    public async Task BadQuery_Is400WithAClearMessage(string url, string field, string message)
    {
        using var http = Api.CreateReader();

        var response = await http.GetAsync(url);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").GetProperty(field);
        Assert.Contains(message, errors[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitNotANumber_Is400NamingTheParameter()
    {
        using var http = Api.CreateReader();

        var problem = await AssertProblemAsync(await http.GetAsync("/detectors?limit=abc"), HttpStatusCode.BadRequest);

        Assert.Contains("limit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoKey_Is401()
    {
        using var http = Api.CreateClient();

        var problem = await AssertProblemAsync(await http.GetAsync("/detectors"), HttpStatusCode.Unauthorized);

        Assert.Contains("API key is required", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_Is401_InHeaderAndAsBearer()
    {
        using var header = Api.CreateWithKey("not-a-key");
        using var bearer = Api.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-key");

        await AssertProblemAsync(await header.GetAsync("/detectors"), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await bearer.GetAsync("/detectors"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ReaderKey_AsBearer_IsAccepted()
    {
        using var bearer = Api.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", TestKeys.Reader);

        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/detectors")).StatusCode);
    }

    [Fact]
    public async Task ReaderKey_OnAdminEndpoint_Is403()
    {
        var id = Messages.NewId("r");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var reader = Api.CreateReader();

        await AssertProblemAsync(await reader.PatchAsJsonAsync($"/detectors/{id}", new { name = "x" }), HttpStatusCode.Forbidden);
        Assert.Null((await Api.FindDetectorAsync(id))!.Name);
    }

    [Fact]
    public async Task UnknownDetector_Is404()
    {
        using var http = Api.CreateReader();
        using var admin = Api.CreateAdmin();

        await AssertProblemAsync(await http.GetAsync("/detectors/never-seen"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await admin.PatchAsJsonAsync("/detectors/never-seen", new { name = "x" }), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"name": 5}""", "name")]
    [InlineData("""{"tags": ["UPPER"]}""", "tags")]
    [InlineData("""{"epoch": 99}""", "epoch")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("""{"name": """, "body")]
    public async Task BadPatch_Is400AndChangesNothing(string body, string field)
    {
        var id = Messages.NewId("b");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var admin = Api.CreateAdmin();

        var response = await admin.PatchAsync($"/detectors/{id}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var stored = await Api.FindDetectorAsync(id);
        Assert.Equal(1, stored!.Epoch);
        Assert.Null(stored.Name);
        Assert.Empty(stored.Tags);
    }

    [Fact]
    public async Task Health_IsAnonymous_AndReadyChecksDatabaseAndBroker()
    {
        using var http = Api.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(problem.ToString().Contains("   at ", StringComparison.Ordinal), "no stack trace in problem details");
        return problem;
    }
}
