namespace Fleet.Api.Registry;

/// <summary>
/// Serialised JSON written as it is: a page's body (a JSON array of views) or one view. The OpenAPI document still
/// describes the response by the endpoint's typed results.
/// </summary>
internal sealed class RegistryJsonResult(byte[] body) : IResult
{
    public static RegistryJsonResult List(RegistryPage page) => new(page.Body);

    public static RegistryJsonResult One(RegistryEntry entry) => new(entry.OneJson);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
