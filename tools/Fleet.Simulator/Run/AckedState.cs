namespace Fleet.Simulator.Run;

/// <summary>A state the broker acknowledged (PUBACK success): what the fleet must end up showing for the detector.</summary>
internal sealed record AckedState(long Epoch, long Seq, IReadOnlyDictionary<string, string> Tunnels);
