using Fleet.Api.Audit;
using Fleet.Api.Auth;
using Fleet.Api.Relays;
using Microsoft.AspNetCore.Mvc;
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
            .Accepts<ProvisionRequest>(isOptional: true, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("ProvisionDetector")
            .WithSummary("Create or rotate a detector's MQTT credential and get its agent configuration (admin)")
            .WithDescription("A new random 192-bit password; only its hash is stored, so this response is the only place it " +
                "ever appears (Cache-Control: no-store). A rotation makes the previous password stop working and drops the " +
                "detector's embedded-broker connection. With Provisioning:MosquittoPasswordFile the detector's line in that " +
                "file is written too: reload Mosquitto (SIGHUP) afterwards. Ids starting with api, monitor or admin are refused. " +
                "With a body `{\"relay\": \"name\"}` (a relay of Relay:Relays) the detector gets a port on that relay, the same one " +
                "while it holds it, and agentConfig uses reverse-ssh to it; `relay` in the answer names the port and the " +
                "infra/relay/install.sh add-key command the relay admin runs (exact with `sshPublicKey`, the agent's .pub line). " +
                "A detector that holds a port keeps it on a rotation without a body. 409 when the relay's range is used up.");

        group.MapDelete("/", RevokeAsync)
            .WithName("RevokeDetectorCredential")
            .WithSummary("Revoke a detector's MQTT credential (admin)")
            .WithDescription("The embedded broker drops its connection at once; with Provisioning:MosquittoPasswordFile the " +
                "line is removed: reload Mosquitto (SIGHUP) and it disconnects the detector. 404 when it has no active credential.")
            .Produces(StatusCodes.Status204NoContent);

        return app;
    }

    internal static async Task<Results<Created<ProvisionedCredential>, ValidationProblem, ProblemHttpResult>> ProvisionAsync(
        string id, HttpContext http, DetectorProvisioner provisioner, RelayChoice relays, IOptions<ProvisioningOptions> options,
        IOptions<HostFilteringOptions> filtering, [FromBody] ProvisionRequest? request, CancellationToken ct)
    {
        if (DetectorProvisioner.Refusal(id) is { } refusal)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [refusal] });
        }

        if (BrokerHostChoice.For(http.Request, options.Value, filtering.Value) is not { } brokerHost)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Broker host not configured", detail: BrokerHostChoice.Refusal);
        }

        // Before the credential: a refused relay leaves the detector's current password working.
        var (relay, relayRefusal) = await relays.ForAsync(id, request?.Relay, request?.SshPublicKey, ct);
        if (relayRefusal is { Field: { } field })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [relayRefusal.Detail] });
        }

        if (relayRefusal is not null)
        {
            return TypedResults.Problem(statusCode: relayRefusal.Status, title: relayRefusal.Title, detail: relayRefusal.Detail);
        }

        var credential = await provisioner.ProvisionAsync(id, brokerHost, relay, AuditActor.Of(http), ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/detectors/{id}/credentials", credential);
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RevokeAsync(
        string id, HttpContext http, DetectorProvisioner provisioner, CancellationToken ct)
    {
        if (DetectorProvisioner.Refusal(id) is { } refusal)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [refusal] });
        }

        return await provisioner.RevokeAsync(id, AuditActor.Of(http), ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No active credential",
                detail: $"Detector '{id}' has no active broker credential.");
    }
}
