using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Http;

/// <summary>
/// HEAD answers on every GET route with the GET's status and headers and no body. The routes come from the API's own
/// endpoint data source, so a new GET route is covered without editing this test.
/// </summary>
public sealed class HeadRequestTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    private const string DetectorId = "head-01";
    private const string Tunnel = "web";

    [Fact]
    public async Task Head_OnEveryGetRoute_AnswersLikeGetWithoutBody()
    {
        await fixture.Api.WriteStateAsync(Messages.State(DetectorId, epoch: 1, seq: 1, tunnel: Tunnel));
        // Redirects are not followed: each route's own answer is compared.
        using var http = fixture.Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        http.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Admin);
        var routes = GetRoutes();
        Assert.Contains("/detectors/{id}", routes.Select(r => r.RawText));

        var mismatches = new List<string>();
        foreach (var route in routes)
        {
            var url = UrlFor(route);
            using var get = await SendAsync(http, HttpMethod.Get, url);
            using var head = await SendAsync(http, HttpMethod.Head, url);
            var body = await head.Content.ReadAsByteArrayAsync();

            if (head.StatusCode != get.StatusCode || Headers(head) != Headers(get) || body.Length != 0)
            {
                mismatches.Add($"{url}: GET {(int)get.StatusCode} [{Headers(get)}], HEAD {(int)head.StatusCode} [{Headers(head)}], {body.Length} body bytes");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public async Task Head_OnAKnownDetector_AnswersOkWithItsETag()
    {
        await fixture.Api.WriteStateAsync(Messages.State(DetectorId, epoch: 1, seq: 1, tunnel: Tunnel));
        using var http = fixture.Api.CreateReader();

        using var head = await SendAsync(http, HttpMethod.Head, $"/detectors/{DetectorId}");

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.NotNull(head.Headers.ETag);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    private List<RoutePattern> GetRoutes() =>
        fixture.Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => e.RoutePattern)
            .DistinctBy(p => p.RawText)
            .ToList();

    /// <summary>A URL for the route with values that exist where the seeded data has them (the detector, its tunnel).</summary>
    private static string UrlFor(RoutePattern route)
    {
        var segments = route.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart { Name: "id" } => DetectorId,
            RoutePatternParameterPart { Name: "tunnel" } => Tunnel,
            RoutePatternParameterPart parameter => parameter.Name,
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        })));
        return "/" + string.Join("/", segments);
    }

    /// <summary>Reads only the headers, so a stream such as /events is left as soon as it answers.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string url)
    {
        using var request = new HttpRequestMessage(method, url);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static string Headers(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not ("Date" or "Content-Length"))
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
}
