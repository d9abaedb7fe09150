namespace Fleet.Simulator.Run;

internal enum DetectorPhase
{
    Idle,
    Connecting,
    Connected,
    Waiting,
}
