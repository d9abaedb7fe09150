namespace Fleet.Simulator.Run;

/// <summary>The one JSON object <c>fleet-sim run</c> prints on stdout.</summary>
internal sealed record RunSummary(
    int Count,
    int Connected,
    double ConnectSeconds,
    long Published,
    long Acked,
    long Failed,
    double PublishRate,
    long Reconnects,
    double PeakWorkingSetMb,
    long StatusPublished,
    long Crashes,
    long Resyncs,
    long Skipped,
    double RunSeconds,
    double CpuSeconds,
    ReconnectSpread? ReconnectSpread);
