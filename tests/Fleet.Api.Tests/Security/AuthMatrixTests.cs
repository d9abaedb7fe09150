using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Api.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// Every endpoint the app maps (read from its EndpointDataSource, so a new endpoint is covered without editing this
/// file) against no credentials and a reader key: 401 unless it is on the short anonymous list, 403 for a reader on
/// admin endpoints.
/// </summary>
public sealed partial class AuthMatrixTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    private static readonly HashSet<string> AnonymousEndpoints =
    [
        "GET /health/live",
        "GET /health/ready",
        "GET /openapi/{documentName}.json",
        "POST /auth/session/",
        "DELETE /auth/session/",

        // MQTT over WebSockets: the MQTT CONNECT is the login, checked by the embedded broker as over TCP.
        "GET /mqtt",
    ];

    private static readonly HashSet<string> KnownAdminEndpoints = ["PATCH /detectors/{id}", "DELETE /detectors/{id}"];

    [Fact]
    public async Task EveryEndpoint_WithoutCredentials_Is401_UnlessOnTheAnonymousList()
    {
        using var http = SecurityApi.Client(fixture.Api);
        var failures = new List<string>();
        var anonymous = new List<string>();

        foreach (var endpoint in Endpoints())
        {
            using var response = await SendAsync(http, endpoint);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                anonymous.Add(endpoint.Name);
                if (!AnonymousEndpoints.Contains(endpoint.Name))
                {
                    failures.Add($"{endpoint.Name} answered {(int)response.StatusCode} without credentials");
                }
            }
            else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{endpoint.Name} answered 401 without problem details");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(AnonymousEndpoints.Order(), anonymous.Order());
    }

    [Fact]
    public async Task AdminEndpoints_WithReaderKey_Are403_AndReaderEndpointsAnswer()
    {
        using var http = SecurityApi.Client(fixture.Api, TestKeys.Reader);
        var failures = new List<string>();
        var endpoints = Endpoints();
        var admin = endpoints.Where(e => e.AdminOnly).Select(e => e.Name).ToHashSet();
        Assert.Superset(KnownAdminEndpoints, admin);

        foreach (var endpoint in endpoints.Where(e => !AnonymousEndpoints.Contains(e.Name)))
        {
            using var response = await SendAsync(http, endpoint);
            var expected = endpoint.AdminOnly ? "403" : "neither 401 nor 403";
            var ok = endpoint.AdminOnly
                ? response.StatusCode == HttpStatusCode.Forbidden
                : response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
            if (!ok)
            {
                failures.Add($"{endpoint.Name} answered {(int)response.StatusCode} to a reader key; expected {expected}");
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/swagger/index.html")]
    public async Task Pages_AreServedWithoutCredentials(string path)
    {
        using var http = SecurityApi.Client(fixture.Api);

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    private sealed record MappedEndpoint(string Method, string Pattern, bool AdminOnly)
    {
        public string Name => $"{Method} {Pattern}";
    }

    private List<MappedEndpoint> Endpoints()
    {
        var source = fixture.Api.Services.GetRequiredService<EndpointDataSource>();
        var endpoints = new List<MappedEndpoint>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy);
            foreach (var method in methods.Where(m => m != HttpMethods.Head && m != HttpMethods.Options))
            {
                var adminOnly = policies.Contains(Roles.AdminPolicy)
                    || KnownAdminEndpoints.Contains($"{method} {pattern}")
                    || pattern.Contains("credentials", StringComparison.OrdinalIgnoreCase);
                endpoints.Add(new MappedEndpoint(method, pattern, adminOnly));
            }
        }

        Assert.NotEmpty(endpoints);
        return endpoints;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, MappedEndpoint endpoint)
    {
        var path = Parameter().Replace(endpoint.Pattern, match => match.Groups[1].Value switch
        {
            "id" => "pi-1",
            "tunnel" => "web",
            "documentName" => "v1",
            _ => "x1",
        });
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        // Headers only: /events is an endless stream.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Parameter();
}
