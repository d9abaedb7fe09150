using System.Net;
using System.Text;
using System.Text.Json;

namespace Fleet.Api.Tests.Security;

/// <summary>Oversized bodies (413) and query strings (414) as problem details; CORS stays closed.</summary>
public sealed class RequestLimitTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    [Fact]
    public async Task OversizedBody_Is413ProblemDetails()
    {
        using var http = SecurityApi.Client(fixture.Api, TestKeys.Admin);
        var body = "{\"notes\":\"" + new string('x', 70 * 1024) + "\"}";

        using var response = await http.PatchAsync("/detectors/pi-1", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "65536 bytes");
    }

    [Fact]
    public async Task OversizedSignInBody_Is413_BeforeAnyKeyIsChecked()
    {
        using var http = SecurityApi.Client(fixture.Api);
        var body = "{\"key\":\"" + new string('x', 65 * 1024) + "\"}";

        using var response = await http.PostAsync("/auth/session", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "65536 bytes");
    }

    [Fact]
    public async Task LongQuery_Is414ProblemDetails()
    {
        using var http = SecurityApi.Client(fixture.Api, TestKeys.Reader);

        using var response = await http.GetAsync("/detectors?q=" + new string('a', 4100));
        using var justUnder = await http.GetAsync("/detectors?unused=" + new string('a', 4000));

        await AssertProblemAsync(response, HttpStatusCode.RequestUriTooLong, "4096 characters");
        Assert.Equal(HttpStatusCode.OK, justUnder.StatusCode);
    }

    [Theory]
    [InlineData("/detectors")]
    [InlineData("/auth/session")]
    [InlineData("/health/live")]
    public async Task CrossOriginPreflight_GetsNoCorsHeaders(string path)
    {
        using var http = SecurityApi.Client(fixture.Api);
        using var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "x-api-key, content-type");
        using var simple = new HttpRequestMessage(HttpMethod.Get, path);
        simple.Headers.Add("Origin", "https://evil.example");
        simple.Headers.Add("X-Api-Key", TestKeys.Reader);

        using var preflightResponse = await http.SendAsync(preflight);
        using var simpleResponse = await http.SendAsync(simple);

        foreach (var response in new[] { preflightResponse, simpleResponse })
        {
            Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
