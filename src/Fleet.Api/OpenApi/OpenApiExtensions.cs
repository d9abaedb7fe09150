namespace Fleet.Api.OpenApi;

public static class OpenApiExtensions
{
    /// <summary>The OpenAPI document (with the API-key security scheme) that Swagger UI and client generators read.</summary>
    public static IHostApplicationBuilder AddFleetOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RequestBodyTypes>();
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<ApiKeySecurityTransformer>();
            o.AddDocumentTransformer<StableDocumentTransformer>();
            o.AddSchemaTransformer<WireSchemaTransformer>();
            o.AddSchemaTransformer<ExampleSchemaTransformer>();
            o.AddSchemaTransformer<ReachabilityOpenApiTransformer>();
            o.AddOperationTransformer<ReachabilityOpenApiTransformer>();
            o.AddOperationTransformer<ResponsesOperationTransformer>();
        });
        return builder;
    }

    /// <summary><c>/openapi/v1.json</c> and Swagger UI at <c>/swagger</c>, both without a key.</summary>
    public static WebApplication MapFleetOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.UseFleetSwaggerUi();
        return app;
    }
}
