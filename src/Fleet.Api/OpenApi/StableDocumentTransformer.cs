using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fleet.Api.OpenApi;

/// <summary>
/// One relative server, <c>/</c> (the API is where its document is), instead of the address of the request the framework
/// fills in: the document is the same wherever it is served, so the committed copy (docs/openapi.json) matches it;
/// clients are given their base URL anyway.
/// </summary>
internal sealed class StableDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Servers = [new OpenApiServer { Url = "/", Description = "The API that serves this document" }];
        return Task.CompletedTask;
    }
}
