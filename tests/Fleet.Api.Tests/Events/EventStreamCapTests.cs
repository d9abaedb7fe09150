using System.Net;
using Fleet.Api.Tests.Security;

namespace Fleet.Api.Tests.Events;

/// <summary>One key cannot hold every stream: <c>/events</c> is capped per key and in total, with 429 and Retry-After beyond.</summary>
public sealed class EventStreamCapTests
{
    [Fact]
    public async Task Streams_OverThePerKeyAndTotalCaps_Get429WithRetryAfter()
    {
        await using var api = await SecurityApi.StartAsync(new Dictionary<string, string?>
        {
            ["Events:MaxStreamsPerKey"] = "2",
            ["Events:MaxStreams"] = "3",
        });
        using var http = SecurityApi.Client(api);
        using var first = await SessionRevocationTests.OpenStreamAsync(http, SessionRevocationTests.KeyRequest("/events", TestKeys.Reader));
        using var second = await SessionRevocationTests.OpenStreamAsync(http, SessionRevocationTests.KeyRequest("/events", TestKeys.Reader));

        using var thirdForReader = await SendAsync(http, TestKeys.Reader);
        using var admin = await SessionRevocationTests.OpenStreamAsync(http, SessionRevocationTests.KeyRequest("/events", TestKeys.Admin));
        using var overTotal = await SendAsync(http, TestKeys.Admin);

        foreach (var refused in new[] { thirdForReader, overTotal })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string key)
    {
        using var request = SessionRevocationTests.KeyRequest("/events", key);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
