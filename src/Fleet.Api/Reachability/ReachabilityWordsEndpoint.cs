using Fleet.Api.Auth;
using Fleet.Domain.Reachability;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Api.Reachability;

/// <summary>
/// <c>GET /reachability/words</c>: the one wording table of check outcomes, served so the dashboard says exactly
/// what <c>/d/{id}</c>'s 503 says (one table, in Fleet.Domain, for both).
/// </summary>
public static class ReachabilityWordsEndpoint
{
    private static readonly ReachabilityWords Words = new(OutcomeWords.Outcomes, OutcomeWords.Sources);

    public static IEndpointRouteBuilder MapReachabilityWords(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reachability/words", Get)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithTags("Detectors")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("GetReachabilityWords")
            .WithSummary("The check outcomes (tunnels[].check/probe.outcome, reachability.failing[].outcome) and their sources in words")
            .WithDescription("The same words as the 503 detail of `/d/{id}`: a page or a client shows a failing tunnel as " +
                "`tunnel {tunnel}: {outcomes[outcome]} ({code}), {sources[source]}`. An outcome missing here (a newer agent's) fails.");
        return app;
    }

    internal static Ok<ReachabilityWords> Get(HttpResponse response)
    {
        // The table changes only with a new API version.
        response.Headers.CacheControl = "private, max-age=3600";
        return TypedResults.Ok(Words);
    }
}
