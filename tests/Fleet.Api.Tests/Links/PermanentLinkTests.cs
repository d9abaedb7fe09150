using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fleet.Api.Tests.Links;

public sealed class PermanentLinkTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    private const string Web = "https://ab12cd34.ngrok-free.app";
    private const string Plain = "http://plain.example.org:8080/";
    private const string Ssh = "tcp://0.tcp.eu.ngrok.io:12345";

    private FleetApiFactory Api => fixture.Api;

    [Fact]
    public async Task Open_OnlineDetector_Is302ToTheHttpsUrlAndNoStore()
    {
        var id = await WriteDetectorAsync();
        using var http = Reader(Api);

        var response = await http.GetAsync($"/d/{id}");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(new Uri(Web), response.Headers.Location);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task OpenTunnel_NamedHttpTunnel_Is302ToItsUrl()
    {
        var id = await WriteDetectorAsync();
        using var http = Reader(Api);

        var response = await http.GetAsync($"/d/{id}/a-plain");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(new Uri(Plain), response.Headers.Location);
    }

    [Fact]
    public async Task OpenTunnel_TcpTunnel_IsHostPortAndSshCommandAsJson()
    {
        var id = await WriteDetectorAsync();
        using var http = Reader(Api);

        var link = await http.GetFromJsonAsync<JsonElement>($"/d/{id}/ssh");
        var withUser = await http.GetFromJsonAsync<JsonElement>($"/d/{id}/ssh?user=lab_op");

        Assert.Equal("ssh", link.GetProperty("tunnel").GetString());
        Assert.Equal(Ssh, link.GetProperty("url").GetString());
        Assert.Equal("0.tcp.eu.ngrok.io", link.GetProperty("host").GetString());
        Assert.Equal(12345, link.GetProperty("port").GetInt32());
        Assert.Equal("ssh -p 12345 pi@0.tcp.eu.ngrok.io", link.GetProperty("ssh").GetString());
        Assert.Equal("ssh -p 12345 lab_op@0.tcp.eu.ngrok.io", withUser.GetProperty("ssh").GetString());
    }

    [Fact]
    public async Task OpenTunnel_TcpTunnelAcceptingTextPlain_IsJustTheSshCommand()
    {
        var id = await WriteDetectorAsync();
        using var http = Reader(Api);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/d/{id}/ssh");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.5));

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ssh -p 12345 pi@0.tcp.eu.ngrok.io", (await response.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Open_LostDetector_Is503WithRetryAfterAndLastSeenAt()
    {
        var id = await WriteDetectorAsync();
        await Api.WriteStatusAsync(id, Messages.Status(Presence.Lost, 1));
        using var http = Reader(Api);

        var response = await http.GetAsync($"/d/{id}");

        var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
        Assert.Equal("lost", problem.GetProperty("detectorStatus").GetString());
        Assert.True(DateTimeOffset.TryParse(problem.GetProperty("lastSeenAt").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Open_DetectorWithOnlyATcpTunnel_Is503()
    {
        var id = Messages.NewId("lk");
        await Api.WriteStateAsync(Messages.State(id, 1, 0, Ssh, "ssh"));
        using var http = Reader(Api);

        await AssertProblemAsync(await http.GetAsync($"/d/{id}"), HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Open_UnknownDetectorOrTunnel_Is404()
    {
        var id = await WriteDetectorAsync();
        using var http = Reader(Api);

        await AssertProblemAsync(await http.GetAsync("/d/never-seen"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await http.GetAsync($"/d/{id}/nope"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/d/Not_An_Id", "id")]
    [InlineData("/d/pi-042/ssh?user=Root", "user")]
    [InlineData("/d/pi-042/ssh?user=a%3Brm", "user")]
    public async Task Open_BadIdOrUser_Is400(string url, string field)
    {
        using var http = Reader(Api);

        var problem = await AssertProblemAsync(await http.GetAsync(url), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Open_WithoutKey_Is401()
    {
        var id = await WriteDetectorAsync();
        using var http = Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        await AssertProblemAsync(await http.GetAsync($"/d/{id}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Open_StoredUrlOutsideAllowListConfiguredLater_Is503NotARedirect()
    {
        var outside = Messages.NewId("lk");
        var inside = Messages.NewId("lk");
        await Api.WriteStateAsync(Messages.State(outside, 1, 0, "https://relay.example.org"));
        await Api.WriteStateAsync(Messages.State(inside, 1, 0, Web));
        await using var strict = new FleetApiFactory(Api.Settings with
        {
            Broker = BrokerSettings.ForEmbedded(),
            Extra = new Dictionary<string, string?> { ["Ingest:AllowedHostSuffixes:0"] = ".ngrok-free.app" },
        });
        using var http = Reader(strict);

        var refused = await http.GetAsync($"/d/{outside}");
        var allowed = await http.GetAsync($"/d/{inside}");

        await AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Null(refused.Headers.Location);
        Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
    }

    [Fact]
    public async Task OpenApi_DescribesBothLinkRoutes()
    {
        using var http = Api.CreateClient();

        var paths = (await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        foreach (var path in new[] { "/d/{id}", "/d/{id}/{tunnel}" })
        {
            var responses = paths.GetProperty(path).GetProperty("get").GetProperty("responses");
            foreach (var status in new[] { "302", "404", "503" })
            {
                Assert.True(responses.TryGetProperty(status, out _), $"{path} {status}");
            }
        }

        Assert.True(paths.GetProperty("/d/{id}/{tunnel}").GetProperty("get").GetProperty("responses").TryGetProperty("200", out _));
    }

    private async Task<string> WriteDetectorAsync()
    {
        var id = Messages.NewId("lk");
        var state = Messages.State(id, 1, 0) with
        {
            Tunnels =
            [
                new TunnelReport { Name = "a-plain", Url = Plain, Proto = "http", Upstream = "http://localhost:8080" },
                new TunnelReport { Name = "ssh", Url = Ssh, Proto = "tcp", Upstream = "localhost:22" },
                new TunnelReport { Name = "web", Url = Web, Proto = "https", Upstream = "http://localhost:80" },
            ],
        };
        await Api.WriteStateAsync(state);
        return id;
    }

    private static HttpClient Reader(FleetApiFactory api)
    {
        var client = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Reader);
        return client;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
