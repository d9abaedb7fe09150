using System.Net;
using Fleet.Api.SystemTests.Faults.Support;

namespace Fleet.Api.SystemTests.Security;

/// <summary>
/// The client address behind a trusted proxy (Http:TrustedProxies / Http:TrustedNetworks) is the forwarded one, so
/// wrong keys are counted per real client; from a sender that is not trusted, X-Forwarded-For is ignored. The API runs
/// as a process so requests come from a real loopback address.
/// </summary>
public sealed class ForwardedHeadersTests
{
    [Fact]
    public async Task TrustedProxy_WrongKeysAreCountedPerForwardedClient()
    {
        await using var api = await StartAsync(new() { ["Http:TrustedProxies:0"] = "127.0.0.1" });
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "203.0.113.7", "guess-" + Guid.NewGuid()));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(http, "203.0.113.7", "guess-" + Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "203.0.113.8", "guess-" + Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "203.0.113.7", TestKeys.Reader));
    }

    [Fact]
    public async Task UntrustedSender_ForwardedForIsIgnored_AndCannotEscapeItsAddressCount()
    {
        await using var api = await StartAsync(new() { ["Http:TrustedNetworks:0"] = "10.0.0.0/8" });
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, $"203.0.113.{attempt + 1}", "guess-" + Guid.NewGuid()));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(http, "203.0.113.99", "guess-" + Guid.NewGuid()));
    }

    private static async Task<ApiProcess> StartAsync(Dictionary<string, string?> extra)
    {
        extra["Limits:FailedAuthPerMinute"] = "3";
        var database = await MigratedDatabase.CreateAsync("proxies");
        return await ApiProcess.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = extra }, "api-proxied");
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string forwardedFor, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/detectors");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
