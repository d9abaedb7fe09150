using System.Reflection;
using System.Text.Json;
using Fleet.Cli.Api;
using Microsoft.Kiota.Abstractions;

namespace Fleet.Cli.Tests;

/// <summary>
/// The CLI's client is generated from the committed docs/openapi.json at build time; this ties it to the API as it runs:
/// every GET, PATCH and DELETE operation of the live document must have a request builder with that method, at that
/// URL template. An endpoint added, moved or renamed without the committed document (and so the client) fails here.
/// </summary>
public sealed class ClientDriftTests(CliApiFixture fixture) : IClassFixture<CliApiFixture>
{
    private static readonly string[] Methods = ["get", "patch", "delete"];

    [Fact]
    public async Task GeneratedClient_EveryGetPatchDeleteOfLiveDocument_HasRequestBuilder()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var http = fixture.Api.Api.CreateClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", cts.Token));
        List<string> missing = [];
        var operations = 0;
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in Methods.Where(m => path.Value.TryGetProperty(m, out _)))
            {
                operations++;
                if (Problem(path.Name, method) is { } problem)
                {
                    missing.Add($"{method.ToUpperInvariant()} {path.Name}: {problem}");
                }
            }
        }

        Assert.True(operations >= 10, $"only {operations} operations in the live document");
        Assert.True(missing.Count == 0, "the generated client lacks (regenerate by updating docs/openapi.json):\n" + string.Join('\n', missing));
    }

    /// <summary>Walks the client as code would (<c>client.Detectors["id"].History</c>); null when the operation is there.</summary>
    private static string? Problem(string path, string method)
    {
        using var adapter = new Microsoft.Kiota.Http.HttpClientLibrary.HttpClientRequestAdapter(new Microsoft.Kiota.Abstractions.Authentication.AnonymousAuthenticationProvider());
        object builder = new FleetApiClient(adapter);
        foreach (var segment in path.Trim('/').Split('/'))
        {
            var type = builder.GetType();
            object? next = segment.StartsWith('{')
                ? type.GetProperties().FirstOrDefault(p => p.GetIndexParameters().Length == 1) is { } indexer
                    ? indexer.GetValue(builder, [SampleOf(indexer.GetIndexParameters()[0].ParameterType)])
                    : null
                : type.GetProperties().FirstOrDefault(p => p.GetIndexParameters().Length == 0 && string.Equals(p.Name, segment.Replace("-", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))?.GetValue(builder);
            if (next is null)
            {
                return $"no request builder for '{segment}' on {type.Name}";
            }

            builder = next;
        }

        var template = (string)typeof(BaseRequestBuilder).GetProperty("UrlTemplate", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(builder)!;
        var templatePath = template.Replace("{+baseurl}", string.Empty, StringComparison.Ordinal).Split("{?")[0];
        if (!string.Equals(Normalize(templatePath), Normalize(path), StringComparison.OrdinalIgnoreCase))
        {
            return $"its builder's URL is {templatePath}";
        }

        var name = char.ToUpperInvariant(method[0]) + method[1..] + "Async";
        return builder.GetType().GetMethods().Any(m => m.Name == name) ? null : $"{builder.GetType().Name} has no {name}";
    }

    /// <summary>A value for a path parameter of the type the generator chose from its schema (string, int, long, Guid).</summary>
    private static object SampleOf(Type type) =>
        type == typeof(string) ? "x" : type == typeof(Guid) ? Guid.Empty : Convert.ChangeType(1, type, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Path parameters by position, whatever the generator named them.</summary>
    private static string Normalize(string path) =>
        string.Join('/', path.Trim('/').Split('/').Select(s => s.StartsWith('{') ? "{}" : s));

}
