using Fleet.Api.Auth;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Provisioning;

/// <summary><c>POST</c> and <c>DELETE /detectors/{id}/credentials</c>: a detector's broker identity (admin).</summary>
public static class ProvisioningEndpoints
{
    public static IEndpointRouteBuilder MapProvisioningEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/detectors/{id}/credentials")
            .WithTags("Provisioning")
            .RequireAuthorization(Roles.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost("/", ProvisionAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithName("ProvisionDetector")
            .WithSummary("Create or rotate a detector's MQTT credential and get its agent configuration (admin)")
            .WithDescription("A new random 192-bit password; only its hash is stored, so this response is the only place it " +
                "ever appears (Cache-Control: no-store). A rotation makes the previous password stop working and drops the " +
                "detector's embedded-broker connection. With Provisioning:MosquittoPasswordFile the detector's line in that " +
                "file is written too: reload Mosquitto (SIGHUP) afterwards. Ids starting with api, monitor or admin are refused.");

        group.MapDelete("/", RevokeAsync)
            .WithName("RevokeDetectorCredential")
            .WithSummary("Revoke a detector's MQTT credential (admin)")
            .WithDescription("The embedded broker drops its connection at once; with Provisioning:MosquittoPasswordFile the " +
                "line is removed: reload Mosquitto (SIGHUP) and it disconnects the detector. 404 when it has no active credential.")
            .Produces(StatusCodes.Status204NoContent);

        return app;
    }

    internal static async Task<Results<Created<ProvisionedCredential>, ValidationProblem, ProblemHttpResult>> ProvisionAsync(
        string id, HttpContext http, DetectorProvisioner provisioner, IOptions<ProvisioningOptions> options,
        IOptions<HostFilteringOptions> filtering, CancellationToken ct)
    {
        if (DetectorProvisioner.Refusal(id) is { } refusal)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [refusal] });
        }

        if (BrokerHostChoice.For(http.Request, options.Value, filtering.Value) is not { } brokerHost)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Broker host not configured", detail: BrokerHostChoice.Refusal);
        }

        var credential = await provisioner.ProvisionAsync(id, brokerHost, ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/detectors/{id}/credentials", credential);
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RevokeAsync(
        string id, DetectorProvisioner provisioner, CancellationToken ct)
    {
        if (DetectorProvisioner.Refusal(id) is { } refusal)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [refusal] });
        }

        return await provisioner.RevokeAsync(id, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No active credential",
                detail: $"Detector '{id}' has no active broker credential.");
    }
}
