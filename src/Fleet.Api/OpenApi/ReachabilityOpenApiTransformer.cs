using System.Text.Json.Nodes;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fleet.Api.OpenApi;

/// <summary>
/// Describes the reachability fields of the views and the <c>reachability</c> filter in the OpenAPI document, from the
/// Domain's names and its one wording table (OutcomeWords), so the document cannot drift from what the API says.
/// Outcomes get no <c>enum</c>: a newer agent may send one this API does not know, and a generated client must not
/// throw on it.
/// </summary>
internal sealed class ReachabilityOpenApiTransformer : IOpenApiSchemaTransformer, IOpenApiOperationTransformer
{
    private static readonly string Outcomes =
        string.Join(", ", OutcomeWords.Outcomes.Select(o => $"`{o.Key}` ({o.Value})")) + "; an outcome not listed here counts as failing.";

    private static readonly string States =
        "`reachable` (online, every checked tunnel answers), `degraded` (online, some checked tunnels fail), " +
        "`unreachable` (online, every checked tunnel fails), `unknown` (not online, or nothing checked yet)";

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(ReachabilityView))
        {
            schema.Description = "Whether the detector's URLs answer right now, from the agent's checks and the API's probe.";
            Describe(schema, "state", $"One of {States}.");
            Describe(schema, "checkedAt", "When the evidence was last refreshed (API clock): the newest applied state carrying checks, or the newest probe.");
            Describe(schema, "failing", "The tunnels that do not answer, and why; empty when reachable or unknown.");
        }
        else if (type == typeof(TunnelCheck))
        {
            schema.Description = "One check of a tunnel: `check` by the agent from the Pi, `probe` by the API from the operator's side; " +
                "null when there is none. Stored when the outcome, code or HTTP status changes.";
            Describe(schema, "outcome", $"One of {Outcomes}");
            Describe(schema, "code", "The provider's own error code when its edge gave one (e.g. `ERR_NGROK_3200`), else null.");
            Describe(schema, "httpStatus", "The HTTP status through the tunnel, when there was an HTTP answer.");
            Describe(schema, "latencyMs", "How long the check took.");
            Describe(schema, "checkedAt", "When the check ran: the agent's clock for `check` (informational), the API's for `probe`.");
        }
        else if (type == typeof(FailingTunnel))
        {
            schema.Description = "A tunnel whose newest agent check or probe fails (both appear when both fail). " +
                "`GET /reachability/words` gives the outcome and source in words.";
            Describe(schema, "outcome", $"One of {Outcomes}");
            Describe(schema, "source", $"Who saw it fail: {string.Join(", ", OutcomeWords.Sources.Select(s => $"`{s.Key}` ({s.Value})"))}.");
        }

        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var filter = operation.OperationId == "ListDetectors"
            ? operation.Parameters?.FirstOrDefault(p => p.Name == "reachability") as OpenApiParameter
            : null;
        if (filter is not null)
        {
            filter.Description = $"Repeatable (any of them): {States}. Another value is a 400.";
            if (filter.Schema is OpenApiSchema { Items: OpenApiSchema items })
            {
                items.Enum = [.. ReachabilityStates.All.Select(s => (JsonNode)JsonValue.Create(s))];
            }
        }

        return Task.CompletedTask;
    }

    private static void Describe(OpenApiSchema schema, string property, string description)
    {
        if (schema.Properties?.TryGetValue(property, out var value) == true && value is OpenApiSchema target)
        {
            target.Description = description;
        }
    }
}
