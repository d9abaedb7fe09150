using System.Net;
using Fleet.Api.Dashboard;

namespace Fleet.Api.Tests.Dashboard;

/// <summary>The static dashboard at <c>/</c> with its security headers; Swagger UI keeps working without the strict CSP.</summary>
public sealed class DashboardPageTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    public async Task DashboardFile_IsServedAnonymously_WithStrictCspAndSecurityHeaders(string path, string mediaType)
    {
        using var http = fixture.Api.CreateClient();

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(DashboardFiles.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task IndexHtml_HasNoInlineScriptOrStyle()
    {
        using var http = fixture.Api.CreateClient();

        var html = await http.GetStringAsync("/");

        Assert.Contains("<script src=\"app.js\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwaggerUi_GetsItsOwnCsp_NotTheDashboards()
    {
        using var http = fixture.Api.CreateClient();

        using var response = await http.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Fleet.Api.OpenApi.SwaggerUiSetup.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}
