using System.Net;
using Fleet.Api.Auth;
using Fleet.Api.Events;
using Fleet.Api.Testing.Dashboard;
using Fleet.Api.Testing.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// Revocation reaches live sessions: sign-out deletes the session on the server, a rotated (same name, new hash) or
/// removed key ends the cookies it opened, and an open <c>/events</c> stream ends with its key or session.
/// </summary>
public sealed class SessionRevocationTests
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Cookie_ReplayedAfterSignOut_Is401()
    {
        await using var api = await SecurityApi.StartAsync();
        using var http = SecurityApi.Client(api);
        var (_, cookie) = await SessionCookies.SignInAsync(http, TestKeys.Reader);
        Assert.NotNull(cookie);
        using var before = await http.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie));

        using var signOut = await http.SendAsync(SessionCookies.Request(HttpMethod.Delete, "/auth/session", cookie));
        using var replayed = await http.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal(0, await api.WithDbAsync(db => Task.FromResult(db.Sessions.Count())));
    }

    [Fact]
    public async Task RotatedKey_SameNameNewHash_EndsItsCookiesAndOpenStreams()
    {
        var oldKey = SecretHash.NewSecret();
        var newKey = SecretHash.NewSecret();
        var configuration = new ReloadableConfiguration();
        configuration.Replace(Key("ops", oldKey));
        await using var factory = await SecurityApi.CreateAsync();
        await using var api = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) => c.Add(configuration)));
        using var http = SecurityApi.Client(api);
        var (_, cookie) = await SessionCookies.SignInAsync(http, oldKey);
        Assert.NotNull(cookie);
        using var byCookie = await OpenStreamAsync(http, SessionCookies.Request(HttpMethod.Get, "/events", cookie));
        using var byKey = await OpenStreamAsync(http, KeyRequest("/events", oldKey));

        configuration.Replace(Key("ops", newKey));

        await AssertEndsAsync(byCookie);
        await AssertEndsAsync(byKey);
        using var oldCookie = await http.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie));
        using var withNew = await http.SendAsync(KeyRequest("/detectors", newKey));
        Assert.Equal(HttpStatusCode.Unauthorized, oldCookie.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
    }

    [Fact]
    public async Task RemovedKey_EndsItsOpenStream_OtherStreamsGoOn()
    {
        var key = SecretHash.NewSecret();
        var configuration = new ReloadableConfiguration();
        configuration.Replace(Key("ops", key));
        await using var factory = await SecurityApi.CreateAsync();
        await using var api = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) => c.Add(configuration)));
        using var http = SecurityApi.Client(api);
        using var removed = await OpenStreamAsync(http, KeyRequest("/events", key));
        using var kept = await OpenStreamAsync(http, KeyRequest("/events", TestKeys.Reader));

        configuration.Replace(new Dictionary<string, string?>());

        await AssertEndsAsync(removed);
        var streams = api.Services.GetRequiredService<EventStream>();
        await Eventually.TrueAsync(() => Task.FromResult(streams.SubscriberCount == 1), "only the stream of the kept key is open");
    }

    [Fact]
    public async Task SignOut_EndsTheSessionsOpenStream()
    {
        await using var api = await SecurityApi.StartAsync();
        using var http = SecurityApi.Client(api);

        await AssertSignOutEndsStreamAsync(signingOut: http, streaming: http);
    }

    [Fact]
    public async Task SignOutOnAnotherInstance_EndsTheStreamAtItsNextRecheck()
    {
        var database = await MigratedDatabase.CreateAsync("sessions");
        var extra = new Dictionary<string, string?> { ["Events:RecheckInterval"] = "00:00:01" };
        await using var one = new FleetApiFactory(new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = extra });
        await using var two = new FleetApiFactory(new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = extra });
        using var toOne = SecurityApi.Client(one);
        using var toTwo = SecurityApi.Client(two);

        await AssertSignOutEndsStreamAsync(signingOut: toOne, streaming: toTwo);
    }

    internal static HttpRequestMessage KeyRequest(string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", key);
        return request;
    }

    internal static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response;
        }
    }

    /// <summary>
    /// Signs in through <paramref name="signingOut"/>, opens the event stream with that cookie through
    /// <paramref name="streaming"/> (the same instance or another), signs out: the stream ends.
    /// </summary>
    private static async Task AssertSignOutEndsStreamAsync(HttpClient signingOut, HttpClient streaming)
    {
        var (_, cookie) = await SessionCookies.SignInAsync(signingOut, TestKeys.Reader);
        Assert.NotNull(cookie);
        using var stream = await OpenStreamAsync(streaming, SessionCookies.Request(HttpMethod.Get, "/events", cookie));

        using var signOut = await signingOut.SendAsync(SessionCookies.Request(HttpMethod.Delete, "/auth/session", cookie));

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        await AssertEndsAsync(stream);
    }

    /// <summary>The stream ends (no events are published in these tests, so the first thing read is its end).</summary>
    internal static async Task AssertEndsAsync(HttpResponseMessage stream)
    {
        using var sse = new SseReader(await stream.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(StreamTimeout);
        Assert.Null(await sse.NextAsync(timeout.Token));
    }

    private static Dictionary<string, string?> Key(string name, string key) => new()
    {
        ["Auth:ApiKeys:2:Name"] = name,
        ["Auth:ApiKeys:2:Role"] = Roles.Reader,
        ["Auth:ApiKeys:2:Sha256"] = SecretHash.Sha256Hex(key),
    };
}
