using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fleet.Api.OpenApi;

/// <summary>
/// Leaves out <c>servers</c> (the framework fills in the address of the request): the document is the same wherever it
/// is served, so the committed copy (docs/openapi.json) matches it, and clients are given their base URL anyway.
/// </summary>
internal sealed class StableDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Servers = [];
        return Task.CompletedTask;
    }
}
