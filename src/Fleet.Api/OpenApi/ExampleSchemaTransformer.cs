using System.Text.Json.Nodes;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fleet.Api.OpenApi;

/// <summary>
/// Examples for the main shapes (a detector as <c>GET /detectors</c> lists it, a problem), so Swagger UI and
/// generated documentation show real values. OpenApiLintTests checks the detector example against the schema.
/// </summary>
internal sealed class ExampleSchemaTransformer : IOpenApiSchemaTransformer
{
    internal static readonly JsonObject Detector = new()
    {
        ["id"] = "pi-042",
        ["name"] = "Greenhouse",
        ["tags"] = new JsonArray("lab", "north"),
        ["notes"] = null,
        ["location"] = "Building 3",
        ["status"] = "online",
        ["statusSince"] = "2026-12-05T08:00:00Z",
        ["lastSeenAt"] = "2026-12-05T09:41:12Z",
        ["tunnels"] = new JsonArray(new JsonObject
        {
            ["name"] = "web",
            ["url"] = "https://a1b2c3.ngrok-free.app",
            ["proto"] = "https",
            ["upstream"] = "http://localhost:8080",
            ["since"] = "2026-12-05T08:00:03Z",
            ["check"] = null,
            ["probe"] = null,
        }),
        ["reachability"] = new JsonObject { ["state"] = "unknown", ["checkedAt"] = null, ["failing"] = new JsonArray() },
        ["provider"] = null,
        ["agent"] = null,
        ["epoch"] = 3,
        ["seq"] = 118,
        ["links"] = new JsonObject { ["self"] = "/detectors/pi-042", ["open"] = "/d/pi-042", ["history"] = "/detectors/pi-042/history" },
    };

    private static readonly JsonObject Problem = new()
    {
        ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        ["title"] = "Detector not found",
        ["status"] = 404,
        ["detail"] = "No detector with id 'pi-043' is known.",
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is not null)
        {
            return Task.CompletedTask;
        }

        var type = context.JsonTypeInfo.Type;
        if (type == typeof(DetectorView))
        {
            schema.Examples = [Detector.DeepClone()];
        }
        else if (type == typeof(ProblemDetails))
        {
            schema.Examples = [Problem.DeepClone()];
        }

        return Task.CompletedTask;
    }
}
