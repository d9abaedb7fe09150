using System.Net;
using System.Net.Http.Json;
using Fleet.Api.Testing.Dashboard;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// 429 with Retry-After (never the framework's 503): per key, per address without a key, and for wrong keys and failed
/// sign-ins, which never make a valid key wait.
/// </summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task WrongKeys_FromOneAddress_Get429WithRetryAfter_WhileTheRightKeyIsStillAnswered()
    {
        await using var api = await SecurityApi.StartAsync(new Dictionary<string, string?> { ["Limits:FailedAuthPerMinute"] = "10" });
        using var right = SecurityApi.Client(api, TestKeys.Reader);

        // Ten different wrong keys: the address's allowance, not any one key's, is used up.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var wrong = SecurityApi.Client(api, "guess-" + Guid.NewGuid());
            using var refused = await wrong.GetAsync("/detectors");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var another = SecurityApi.Client(api, "guess-" + Guid.NewGuid());
        using var blocked = await another.GetAsync("/detectors");
        using var answered = await right.GetAsync("/detectors");
        using var health = await SecurityApi.Client(api).GetAsync("/health/live");

        await AssertTooManyAsync(blocked);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task FailedSignIns_Get429WithRetryAfter_WhileTheRightKeyStillSignsIn()
    {
        await using var api = await SecurityApi.StartAsync(new Dictionary<string, string?> { ["Limits:FailedAuthPerMinute"] = "2" });
        using var http = SecurityApi.Client(api);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var refused = await http.PostAsJsonAsync("/auth/session", new { key = "guess-" + attempt });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var blocked = await http.PostAsJsonAsync("/auth/session", new { key = "guess-2" });
        using var signedIn = await http.PostAsJsonAsync("/auth/session", new { key = TestKeys.Reader });

        await AssertTooManyAsync(blocked);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
    }

    [Fact]
    public async Task ReaderKey_OverItsBudget_Gets429WithRetryAfter_OtherKeysAndHealthUnaffected()
    {
        await using var api = await SecurityApi.StartAsync(new Dictionary<string, string?> { ["Limits:PerKeyPerMinute"] = "5" });
        using var reader = SecurityApi.Client(api, TestKeys.Reader);

        for (var request = 0; request < 5; request++)
        {
            using var ok = await reader.GetAsync("/detectors");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await reader.GetAsync("/detectors");
        using var admin = await SecurityApi.Client(api, TestKeys.Admin).GetAsync("/detectors");
        using var health = await reader.GetAsync("/health/ready");

        var problem = await AssertTooManyAsync(limited);
        Assert.Contains("API key", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, health.StatusCode);
    }

    [Fact]
    public async Task SessionCookie_CountsAgainstItsKey()
    {
        await using var api = await SecurityApi.StartAsync(new Dictionary<string, string?> { ["Limits:PerKeyPerMinute"] = "3" });
        using var http = SecurityApi.Client(api);
        var (_, cookie) = await SessionCookies.SignInAsync(http, TestKeys.Reader);
        Assert.NotNull(cookie);

        var statuses = new List<HttpStatusCode>();
        for (var request = 0; request < 4; request++)
        {
            using var response = await http.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Anonymous_OverTheAddressBudget_Gets429()
    {
        await using var api = await SecurityApi.StartAsync(new Dictionary<string, string?> { ["Limits:PerAddressPerMinute"] = "4" });
        using var http = SecurityApi.Client(api);

        for (var request = 0; request < 4; request++)
        {
            using var refused = await http.GetAsync("/detectors");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var limited = await http.GetAsync("/detectors");
        using var health = await http.GetAsync("/health/live");
        using var reader = await SecurityApi.Client(api, TestKeys.Reader).GetAsync("/detectors");

        await AssertTooManyAsync(limited);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reader.StatusCode);
    }

    private static async Task<string> AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        return await response.Content.ReadAsStringAsync();
    }
}
