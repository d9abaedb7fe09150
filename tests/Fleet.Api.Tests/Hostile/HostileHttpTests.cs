using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.Api.OpenApi;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fleet.Api.Tests.Hostile;

/// <summary>
/// Hostile HTTP input against one API (PostgreSQL, embedded broker, no URL allow-list): stored hostile tunnel URLs,
/// look-alike hosts, hostile PATCH bodies, Swagger UI's storage and headers, and a spoofed Host when provisioning.
/// </summary>
public sealed class HostileHttpTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    public static TheoryData<string> RefusedLinkUrls => HostileHttpCorpus.RefusedLinkUrls;

    public static TheoryData<string, string, string> RefusedPatchBodies => HostileHttpCorpus.RefusedPatchBodies;

    private FleetApiFactory Api => fixture.Api;

    [Theory]
    [MemberData(nameof(RefusedLinkUrls))]
    public async Task PermanentLink_StoredPrivateOrLoopbackUrl_Is503SayingWhy_NotARedirect(string url)
    {
        // Written by the API's own writer, past the parser: a row stored before the rule was tightened.
        var id = Messages.NewId("hl");
        await Api.WriteStateAsync(Messages.State(id, 1, 0, url));
        using var http = Reader();

        var response = await http.GetAsync($"/d/{id}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("url host", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermanentLink_StoredPrivateTcpUrl_Is503_NotAnSshCommand()
    {
        var id = Messages.NewId("hl");
        await Api.WriteStateAsync(Messages.State(id, 1, 0, "tcp://192.168.1.10:22", "ssh"));
        using var http = Reader();

        var response = await http.GetAsync($"/d/{id}/ssh");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Theory]
    [InlineData("https://\u0430pple.com/login", "https://xn--pple-43d.com/login")]
    [InlineData("https://b\u00fccher.example.org/\u00e4", "https://xn--bcher-kva.example.org/%C3%A4")]
    public async Task PermanentLink_StoredUnicodeHost_RedirectsToTheAsciiForm_Not500(string stored, string location)
    {
        var id = Messages.NewId("hl");
        await Api.WriteStateAsync(Messages.State(id, 1, 0, stored));
        using var http = Reader();

        var response = await http.GetAsync($"/d/{id}");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("https://xn--pple-43d.com/")]
    [InlineData("https://\u0430pple.com/")]
    public async Task DetectorView_LookAlikeHost_IsPunycodeWithAWarning(string url)
    {
        var id = Messages.NewId("hl");
        await Api.WriteStateAsync(Messages.State(id, 1, 0, url));
        using var http = Reader();

        var view = await http.GetFromJsonAsync<JsonElement>($"/detectors/{id}");

        var tunnel = view.GetProperty("tunnels")[0];
        Assert.Equal("https://xn--pple-43d.com/", tunnel.GetProperty("url").GetString());
        Assert.Equal(["idn-host"], tunnel.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()));
    }

    [Fact]
    public async Task DetectorView_PlainHost_HasNoWarningsField()
    {
        var id = Messages.NewId("hl");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var http = Reader();

        var view = await http.GetFromJsonAsync<JsonElement>($"/detectors/{id}");

        Assert.False(view.GetProperty("tunnels")[0].TryGetProperty("warnings", out _));
    }

    [Theory]
    [MemberData(nameof(RefusedPatchBodies))]
    public async Task Patch_HostileBody_Is400NamingTheField_AndNothingChanges(string name, string body, string field)
    {
        var id = Messages.NewId("hp");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var admin = Api.CreateAdmin();
        using var content = new StringContent(body, Encoding.UTF8, "application/merge-patch+json");

        var response = await admin.PatchAsync($"/detectors/{id}", content);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{name}: {problem}");
        var stored = await Api.FindDetectorAsync(id);
        Assert.Null(stored!.Name);
        Assert.Null(stored.Notes);
        Assert.Null(stored.Location);
        Assert.Empty(stored.Tags);
    }

    [Fact]
    public async Task SwaggerUi_HasItsOwnCsp_AndDoesNotPersistKeys()
    {
        using var http = Api.CreateClient();

        using var page = await http.GetAsync("/swagger/index.html");
        var script = await http.GetStringAsync("/swagger/index.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(SwaggerUiSetup.ContentSecurityPolicy, string.Join(";", page.Headers.GetValues("Content-Security-Policy")));
        Assert.DoesNotContain("\"persistAuthorization\":true", script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil.example.com")]
    [InlineData("evil.example.com:1883")]
    [InlineData("10.0.0.66")]
    public async Task Provision_SpoofedHostWithoutBrokerHost_Is400_AndNoCredentialIsCreated(string host)
    {
        var id = Messages.NewId("hh");
        using var admin = Api.CreateAdmin();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/detectors/{id}/credentials");
        request.Headers.Host = host;

        var response = await admin.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        Assert.Contains("Provisioning:BrokerHost", body, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", body, StringComparison.Ordinal);
        Assert.Null(await Api.WithDbAsync(db => db.DetectorCredentials.FindAsync(id).AsTask()));
    }

    [Fact]
    public async Task Provision_LoopbackHostWithoutBrokerHost_NamesLoopback()
    {
        var id = Messages.NewId("hh");
        using var admin = Api.CreateAdmin();

        var response = await admin.PostAsync($"/detectors/{id}/credentials", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("localhost", body.GetProperty("agentConfig").GetProperty("Agent").GetProperty("Mqtt").GetProperty("Host").GetString());
    }

    private HttpClient Reader()
    {
        var client = Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Reader);
        return client;
    }
}
