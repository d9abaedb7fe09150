using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Api.Tests.Detectors;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fleet.Api.Tests.Links;

/// <summary>
/// <c>/d/{id}</c> and <c>/d/{id}/{tunnel}</c> for a tunnel known not to answer: a 503 that says which tunnel, why in
/// words and with the provider's code, and who saw it; <c>?go=1</c> goes anyway.
/// </summary>
public sealed class UnreachableLinkTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    private const string Web = "https://ab12cd34.ngrok-free.app";
    private const string Ssh = "tcp://0.tcp.eu.ngrok.io:12345";

    private FleetApiFactory Api => fixture.Api;

    [Fact]
    public async Task Open_WebTunnelFailsTheAgentsCheck_Is503NamingTunnelReasonCodeAndSource()
    {
        var id = await WriteDetectorAsync(d => d.Tunnels.Single(t => t.Name == "web").Check(CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", 502));
        using var http = Reader();

        var response = await http.GetAsync($"/d/{id}");

        var problem = await AssertProblemAsync(response);
        Assert.Equal("tunnel web: the service behind the tunnel does not answer (ERR_NGROK_8012), seen by the agent",
            problem.GetProperty("detail").GetString());
        Assert.Equal("60", response.Headers.GetValues("Retry-After").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal($"/d/{id}?go=1", problem.GetProperty("goAnyway").GetString());
        var failing = problem.GetProperty("failing")[0];
        Assert.Equal("upstream-down", failing.GetProperty("outcome").GetString());
        Assert.Equal("agent", failing.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Open_GoAnyway_RedirectsToTheFailingTunnel()
    {
        var id = await WriteDetectorAsync(d => d.Tunnels.Single(t => t.Name == "web").Check(CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", 502));
        using var http = Reader();

        var response = await http.GetAsync($"/d/{id}?go=1");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(new Uri(Web), response.Headers.Location);
    }

    [Fact]
    public async Task OpenTunnel_TcpTunnelFailsTheProbe_Is503_AndGoAnywayAnswersTheCommand()
    {
        var id = await WriteDetectorAsync(d =>
            d.Tunnels.Single(t => t.Name == "ssh").Probe(CheckOutcomes.EndpointOffline, DateTimeOffset.UtcNow));
        using var http = Reader();

        var refused = await http.GetAsync($"/d/{id}/ssh");
        var anyway = await http.GetFromJsonAsync<JsonElement>($"/d/{id}/ssh?go=true");
        var web = await http.GetAsync($"/d/{id}");

        var problem = await AssertProblemAsync(refused);
        Assert.Equal("tunnel ssh: the provider has no live endpoint for this URL, seen by the API's probe", problem.GetProperty("detail").GetString());
        Assert.Equal("ssh -p 12345 pi@0.tcp.eu.ngrok.io", anyway.GetProperty("ssh").GetString());
        Assert.Equal(HttpStatusCode.Found, web.StatusCode);
    }

    [Fact]
    public async Task Open_ProbeRefusedTheAddressAndCheckOk_Redirects()
    {
        var id = await WriteDetectorAsync(d =>
        {
            var web = d.Tunnels.Single(t => t.Name == "web");
            web.Check(CheckOutcomes.Ok, httpStatus: 200);
            web.Probe(CheckOutcomes.Refused, DateTimeOffset.UtcNow);
        });
        using var http = Reader();

        var response = await http.GetAsync($"/d/{id}");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }

    [Fact]
    public async Task Open_LostDetectorWithAFailedCheck_SaysItIsLostNotTheOldCheck()
    {
        var id = await WriteDetectorAsync(d => d.Tunnels.Single(t => t.Name == "web").Check(CheckOutcomes.Timeout));
        await Api.WriteStatusAsync(id, Messages.Status(Presence.Lost, 1));
        using var http = Reader();

        var problem = await AssertProblemAsync(await http.GetAsync($"/d/{id}"));

        Assert.Equal($"Detector '{id}' is lost.", problem.GetProperty("detail").GetString());
        Assert.False(problem.TryGetProperty("failing", out _));
    }

    [Fact]
    public async Task Open_GoIsNeitherYesNorNo_Is400NamingGo()
    {
        var id = await WriteDetectorAsync(_ => { });
        using var http = Reader();

        var response = await http.GetAsync($"/d/{id}?go=maybe");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("go", out _));
    }

    private async Task<string> WriteDetectorAsync(Action<Fleet.Api.Data.DetectorRecord> change)
    {
        var id = Messages.NewId("ul");
        await Api.WriteStateAsync(Messages.State(id, 1, 0) with
        {
            Tunnels =
            [
                new TunnelReport { Name = "ssh", Url = Ssh, Proto = "tcp", Upstream = "localhost:22" },
                new TunnelReport { Name = "web", Url = Web, Proto = "https", Upstream = "http://localhost:80" },
            ],
        });
        await Api.SetAsync(id, ReachabilityStates.Degraded, change);
        return id;
    }

    private HttpClient Reader()
    {
        var client = Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Reader);
        return client;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
