namespace Fleet.Api.Errors;

public static class ErrorsExtensions
{
    /// <summary>
    /// Problem details for every error: the one exception handler maps the few known exceptions, and a request that
    /// does not bind (a bad route or query value) throws so that it answers 400 problem details, never a bare status.
    /// </summary>
    public static IHostApplicationBuilder AddFleetErrors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }
}
