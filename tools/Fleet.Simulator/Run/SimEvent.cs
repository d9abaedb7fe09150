namespace Fleet.Simulator.Run;

internal enum SimEventKind
{
    Connect,
    Heartbeat,
    Resync,
    Connected,
    ConnectFailed,
    Disconnected,
}

/// <summary>
/// Something for the scheduler to do about one detector. <see cref="Generation"/> names the connection it belongs to,
/// so a late event of an old connection (its disconnect, its heartbeat timer) is recognized and ignored.
/// </summary>
internal readonly record struct SimEvent(int Index, SimEventKind Kind, int Generation);
