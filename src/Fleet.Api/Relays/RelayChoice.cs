using Microsoft.Extensions.Options;

namespace Fleet.Api.Relays;

/// <summary>
/// Which relay port a provisioning hands out: the requested relay's (allocated or held), else the one the detector
/// already holds (a rotation keeps its tunnel), else none. Refusals carry the status and words the endpoint answers with.
/// </summary>
internal sealed class RelayChoice(IOptions<RelayOptions> options, RelayPortAllocator allocator)
{
    public async Task<(RelayHandout? Handout, RelayRefusal? Refusal)> ForAsync(string detectorId, string? relayName, string? publicKey, CancellationToken ct)
    {
        SshPublicKey? key = null;
        if (publicKey is not null && (key = SshPublicKey.Parse(publicKey, out var keyError)) is null)
        {
            return (null, RelayRefusal.Invalid("sshPublicKey", keyError!));
        }

        var relays = options.Value;
        RelayDefinition? relay;
        if (relayName is not null)
        {
            relay = relays.Find(relayName);
            if (relay is null)
            {
                var known = relays.Relays.Count == 0 ? "none is configured (Relay:Relays)" : "configured: " + string.Join(", ", relays.Relays.Select(r => r.Name));
                return (null, RelayRefusal.Invalid("relay", $"No relay named '{relayName}'; {known}."));
            }
        }
        else
        {
            var held = await allocator.HeldAsync(detectorId, ct);
            relay = held.Select(relays.Find).FirstOrDefault(r => r is not null);
            if (relay is null)
            {
                return key is null ? (null, null) : (null, RelayRefusal.Invalid("relay", "sshPublicKey is for a relay: name the relay too."));
            }
        }

        var allocation = await allocator.AllocateAsync(relay, detectorId, ct);
        return allocation switch
        {
            { Port: { } port } => (RelayHandout.For(relay, detectorId, port, key), null),
            { Outcome: RelayAllocationOutcome.Full } => (null, new RelayRefusal(StatusCodes.Status409Conflict, "Relay full", null,
                $"Every port of relay '{relay.Name}' ({relay.PortRange}) is handed out. Decommission detectors that left, or widen Relay:Relays:N:PortRange or add a relay.")),
            _ => (null, new RelayRefusal(StatusCodes.Status503ServiceUnavailable, "Relay busy", null,
                $"Too many provisionings for relay '{relay.Name}' at once; try again.")),
        };
    }
}

/// <summary>Why a relay port was not handed out: a field error (400) when <see cref="Field"/> is set, else a problem.</summary>
internal sealed record RelayRefusal(int Status, string Title, string? Field, string Detail)
{
    public static RelayRefusal Invalid(string field, string detail) => new(StatusCodes.Status400BadRequest, "Invalid relay request", field, detail);
}
