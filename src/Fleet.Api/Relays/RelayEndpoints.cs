using Fleet.Api.Auth;
using Fleet.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Relays;

/// <summary><c>GET /relays</c> and <c>GET /relays/{name}/ports</c>: the configured relays and who holds which port (admin).</summary>
public static class RelayEndpoints
{
    public static IEndpointRouteBuilder MapRelayEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/relays")
            .WithTags("Relays")
            .RequireAuthorization(Roles.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListAsync)
            .WithName("ListRelays")
            .WithSummary("The configured SSH relays and how many of their ports are handed out (admin)")
            .WithDescription("From Relay:Relays. A detector gets a port when it is provisioned with `relay` and keeps it until it is decommissioned.");

        group.MapGet("/{name}/ports", PortsAsync)
            .WithName("ListRelayPorts")
            .WithSummary("Which detector holds which port of a relay (admin)")
            .WithDescription("Ordered by port. Compare with `infra/relay/install.sh list` on the relay: a port released here (decommission) " +
                "still needs `install.sh remove-key --detector ID` there.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    internal static async Task<Ok<IReadOnlyList<RelayView>>> ListAsync(IOptions<RelayOptions> options, FleetDbContext db, CancellationToken ct)
    {
        var counts = await db.Set<RelayPortRecord>().GroupBy(p => p.Relay).Select(g => new { Relay = g.Key, Count = g.Count() }).ToListAsync(ct);
        IReadOnlyList<RelayView> relays = [.. options.Value.Relays.Select(r =>
        {
            var (from, to) = r.Ports;
            return new RelayView(r.Name, r.Host, r.SshPort, r.User, r.PortRange, to - from + 1, counts.FirstOrDefault(c => c.Relay == r.Name)?.Count ?? 0);
        })];
        return TypedResults.Ok(relays);
    }

    internal static async Task<Results<Ok<IReadOnlyList<RelayPortView>>, ProblemHttpResult>> PortsAsync(
        string name, IOptions<RelayOptions> options, FleetDbContext db, CancellationToken ct)
    {
        if (options.Value.Find(name) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Relay not found", detail: $"No relay named '{name}' is configured (Relay:Relays).");
        }

        IReadOnlyList<RelayPortView> ports = await db.Set<RelayPortRecord>().AsNoTracking().Where(p => p.Relay == name).OrderBy(p => p.Port)
            .Select(p => new RelayPortView(p.Port, p.DetectorId, p.AllocatedAt)).ToListAsync(ct);
        return TypedResults.Ok(ports);
    }
}

/// <summary>A configured relay: Capacity ports in PortRange, Allocated of them handed out.</summary>
public sealed record RelayView(string Name, string Host, int SshPort, string User, string PortRange, int Capacity, int Allocated);

public sealed record RelayPortView(int Port, string DetectorId, DateTimeOffset AllocatedAt);
