using System.Net;
using System.Net.Http.Json;
using Fleet.Api.Testing.Dashboard;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fleet.Api.Tests.Dashboard;

/// <summary><c>POST /auth/session</c>: a key exchanged for a cookie that GET endpoints accept and unsafe methods do not.</summary>
public sealed class SessionTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    private HttpClient Anonymous() => fixture.Api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    [Fact]
    public async Task SignIn_WithReaderKeyInBody_SetsHttpOnlyLaxCookieThatReadsDetectors()
    {
        using var http = Anonymous();

        var (response, cookie) = await SessionCookies.SignInAsync(http, TestKeys.Reader);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.NotNull(cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        using var list = await http.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var link = await http.SendAsync(SessionCookies.Request(HttpMethod.Get, "/d/no-such-detector", cookie));
        Assert.Equal(HttpStatusCode.NotFound, link.StatusCode);
    }

    [Fact]
    public async Task SignIn_WithKeyInHeader_Succeeds()
    {
        using var http = Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/session");
        request.Headers.Add("X-Api-Key", TestKeys.Reader);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.NotNull(SessionCookies.SetCookie(response));
    }

    [Fact]
    public async Task SignIn_WithWrongKey_Is401ProblemDetailsWithoutCookie()
    {
        using var http = Anonymous();

        var (response, cookie) = await SessionCookies.SignInAsync(http, "not-a-key");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(cookie);
    }

    [Fact]
    public async Task SignIn_FromHtmlForm_IsRefused()
    {
        using var http = Anonymous();
        using var form = new FormUrlEncodedContent([new("key", TestKeys.Reader)]);

        using var response = await http.PostAsync("/auth/session", form);

        // Only JSON (or the key header) is read: a cross-site form cannot send either without a CORS preflight.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Null(SessionCookies.SetCookie(response));
    }

    [Fact]
    public async Task Detectors_WithoutCredentials_Is401ProblemDetails_NotARedirect()
    {
        using var http = Anonymous();

        using var response = await http.GetAsync("/detectors");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Patch_WithAdminCookieOnly_Is401_WhileTheAdminKeyIsAccepted()
    {
        using var http = Anonymous();
        var (_, cookie) = await SessionCookies.SignInAsync(http, TestKeys.Admin);
        Assert.NotNull(cookie);

        using var byCookie = SessionCookies.Request(HttpMethod.Patch, "/detectors/no-such-detector", cookie);
        byCookie.Content = JsonContent.Create(new { name = "x" });
        using var refused = await http.SendAsync(byCookie);
        using var byKey = new HttpRequestMessage(HttpMethod.Patch, "/detectors/no-such-detector") { Content = JsonContent.Create(new { name = "x" }) };
        byKey.Headers.Add("X-Api-Key", TestKeys.Admin);
        using var accepted = await http.SendAsync(byKey);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, accepted.StatusCode);
    }

    [Fact]
    public async Task Patch_WithReaderKey_Is403ProblemDetails()
    {
        using var http = fixture.Api.CreateReader();

        using var response = await http.PatchAsJsonAsync("/detectors/no-such-detector", new { name = "x" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task SignOut_Is204_AndExpiresTheCookie()
    {
        using var http = Anonymous();
        var (_, cookie) = await SessionCookies.SignInAsync(http, TestKeys.Reader);
        Assert.NotNull(cookie);

        using var response = await http.SendAsync(SessionCookies.Request(HttpMethod.Delete, "/auth/session", cookie));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cleared = SessionCookies.SetCookie(response);
        Assert.NotNull(cleared);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
    }
}
