using Fleet.Domain.Messages;
using Fleet.Domain.Ordering;

namespace Fleet.Domain.Tests.Ordering;

/// <summary>A message as it arrives at the API: a status when <see cref="Presence"/> is set, otherwise a state.</summary>
internal sealed record WireMessage(long Epoch, long Seq, Presence? Presence, string? Instance = null)
{
    public StateVersion Version => new(Epoch, Seq);

    public static WireMessage State(long epoch, long seq) => new(epoch, seq, null);

    public static WireMessage Status(long epoch, Presence presence) => new(epoch, 0, presence);

    public WireMessage Of(string? instance) => this with { Instance = instance };

    public override string ToString() =>
        (Presence is { } presence ? $"{presence.ToWire()}@{Epoch}" : $"state@{Epoch}.{Seq}") + (Instance is null ? "" : $"/{Instance}");
}
