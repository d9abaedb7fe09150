namespace Fleet.Api.Reachability;

/// <summary>
/// Where the prober hands its results: the writer stores a result only when its outcome, code or HTTP status changed,
/// recomputes the detector's reachability summary and records the change as an event (see ProbeResultWriter).
/// </summary>
public interface IProbeResultSink
{
    ValueTask WriteAsync(IReadOnlyList<ProbeResult> results, CancellationToken cancellationToken);
}
