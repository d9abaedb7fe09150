using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fleet.Api.Tests.OpenApi;

/// <summary>docs/openapi.json: the document the API serves, written indented with a final newline so diffs read well.</summary>
internal static class OpenApiCommittedCopy
{
    /// <summary>Set to 1 to make <see cref="OpenApiDocumentTests"/> write the served document to the file instead of comparing.</summary>
    public const string UpdateVariable = "FLEET_UPDATE_OPENAPI";

    public static string Path => System.IO.Path.Combine(RepositoryPaths.Root, "docs", "openapi.json");

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Format(JsonNode document) => document.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";

    public static bool UpdateRequested => Environment.GetEnvironmentVariable(UpdateVariable) == "1";
}
