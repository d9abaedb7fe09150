using System.Text.Json.Nodes;

namespace Fleet.Api.Tests.OpenApi;

/// <summary>
/// The committed docs/openapi.json is the document the API serves, and the document passes the checks that real client
/// generators need (the generated clients themselves run in Fleet.Api.SystemTests' GeneratedClientTests, Suite=Long).
/// </summary>
public sealed class OpenApiDocumentTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    [Fact]
    public async Task CommittedDocument_EqualsTheServedDocument()
    {
        var served = OpenApiCommittedCopy.Format(await ServedAsync());

        if (OpenApiCommittedCopy.UpdateRequested)
        {
            await File.WriteAllTextAsync(OpenApiCommittedCopy.Path, served);
        }

        var committed = File.Exists(OpenApiCommittedCopy.Path) ? await File.ReadAllTextAsync(OpenApiCommittedCopy.Path) : "";
        Assert.True(committed == served, $"docs/openapi.json differs from the document the API serves (first difference at line {FirstDifference(committed, served)}). " +
            $"If the API change is intended, regenerate the file: {OpenApiCommittedCopy.UpdateVariable}=1 dotnet test tests/Fleet.Api.Tests " +
            "--filter \"FullyQualifiedName~OpenApiDocumentTests\", then review and commit the diff.");
    }

    [Fact]
    public async Task ServedDocument_PassesTheGeneratorLint()
    {
        var problems = OpenApiLint.Check(await ServedAsync());

        Assert.True(problems.Count == 0, "The OpenAPI document has schemas generated clients misread:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Lint_DocumentWithTheOldFaults_ReportsEachOne()
    {
        var faulty = JsonNode.Parse("""
            {"components":{"schemas":{"View":{"type":"object","properties":{
              "status":{"enum":["online"]},"at":{"format":"date-time"},"n":{"type":["integer","string"]},"ok":{"type":"string"}}}}}}
            """)!;

        var problems = OpenApiLint.Check(faulty);

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("View.status", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("View.at", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("View.n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServedDocument_DocumentsErrorsHeadersAndAnonymousSignIn()
    {
        var document = await ServedAsync();
        var paths = document["paths"]!;

        var list = paths["/detectors"]!["get"]!["responses"]!;
        Assert.NotNull(list["200"]!["headers"]!["Link"]);
        Assert.NotNull(list["200"]!["headers"]!["X-Total-Count"]);
        Assert.NotNull(list["200"]!["headers"]!["ETag"]);
        Assert.NotNull(list["304"]);
        Assert.NotNull(list["429"]!["headers"]!["Retry-After"]);
        Assert.NotNull(list["400"]!["content"]!["application/problem+json"]);
        var get = paths["/detectors/{id}"]!["get"]!["responses"]!;
        Assert.NotNull(get["404"]!["content"]!["application/problem+json"]);
        Assert.NotNull(paths["/events"]!["get"]!["responses"]!["200"]!["content"]!["text/event-stream"]);
        Assert.Empty(paths["/auth/session"]!["post"]!["security"]!.AsArray());
        Assert.Empty(paths["/auth/session"]!["delete"]!["security"]!.AsArray());
        var view = document["components"]!["schemas"]!["DetectorView"]!;
        Assert.Contains("tags", view["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Contains("tunnels", view["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.NotEmpty(view["examples"]!.AsArray());
    }

    private async Task<JsonNode> ServedAsync()
    {
        using var http = fixture.Api.CreateClient();
        return JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
    }

    private static int FirstDifference(string a, string b)
    {
        var left = a.Split('\n');
        var right = b.Split('\n');
        var line = 0;
        while (line < left.Length && line < right.Length && left[line] == right[line])
        {
            line++;
        }

        return line + 1;
    }
}
