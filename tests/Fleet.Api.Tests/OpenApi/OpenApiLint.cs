using System.Text.Json.Nodes;

namespace Fleet.Api.Tests.OpenApi;

/// <summary>
/// What made generated clients fail on real responses (issue 17): a property schema without a type (NSwag then
/// expects an object), a number typed <c>["integer","string"]</c>, a <c>format</c> like <c>date-time</c> without
/// <c>type: string</c>, an enum without a type.
/// </summary>
internal static class OpenApiLint
{
    public static List<string> Check(JsonNode document)
    {
        var problems = new List<string>();
        if (document["components"]?["schemas"] is JsonObject schemas)
        {
            foreach (var (name, schema) in schemas)
            {
                CheckSchema(name, schema, problems);
                if (schema?["properties"] is JsonObject properties)
                {
                    foreach (var (property, value) in properties)
                    {
                        CheckProperty($"{name}.{property}", value, problems);
                    }
                }
            }
        }

        foreach (var (path, operations) in document["paths"]?.AsObject() ?? [])
        {
            foreach (var (method, operation) in operations?.AsObject() ?? [])
            {
                foreach (var parameter in operation?["parameters"]?.AsArray() ?? [])
                {
                    CheckProperty($"{method.ToUpperInvariant()} {path} ?{parameter?["name"]}", parameter?["schema"], problems);
                }
            }
        }

        return problems;
    }

    private static void CheckProperty(string where, JsonNode? schema, List<string> problems)
    {
        if (schema is not JsonObject value)
        {
            return;
        }

        if (value["type"] is null && value["$ref"] is null && value["oneOf"] is null && value["anyOf"] is null && value["allOf"] is null)
        {
            problems.Add($"{where}: no type");
            return;
        }

        CheckSchema(where, value, problems);
        if (value["items"] is JsonObject items)
        {
            CheckProperty(where + "[]", items, problems);
        }
    }

    private static void CheckSchema(string where, JsonNode? schema, List<string> problems)
    {
        var types = Types(schema?["type"]);
        if (types.Contains("string") && (types.Contains("integer") || types.Contains("number")))
        {
            problems.Add($"{where}: typed as number or string ({string.Join(",", types)}); the wire carries numbers");
        }

        if (schema?["format"] is JsonValue format && format.GetValue<string>() is "date-time" or "date" or "uuid" or "uri" && !types.Contains("string"))
        {
            problems.Add($"{where}: format {format} without type string");
        }

        if (schema?["enum"] is not null && types.Count == 0)
        {
            problems.Add($"{where}: enum without type");
        }
    }

    private static List<string> Types(JsonNode? type) => type switch
    {
        JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };
}
