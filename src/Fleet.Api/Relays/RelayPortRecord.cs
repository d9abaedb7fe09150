namespace Fleet.Api.Relays;

/// <summary>
/// One port of a relay handed to one detector. The primary key (relay, port) and the unique (relay, detector_id) are
/// what keep two API instances from handing out a port twice: the database decides, see <see cref="RelayPortAllocator"/>.
/// </summary>
public sealed class RelayPortRecord
{
    public required string Relay { get; set; }

    public int Port { get; set; }

    public required string DetectorId { get; set; }

    public DateTimeOffset AllocatedAt { get; set; }
}
