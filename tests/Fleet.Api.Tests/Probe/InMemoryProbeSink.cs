using System.Collections.Concurrent;
using Fleet.Api.Reachability;

namespace Fleet.Api.Tests.Probe;

/// <summary>The only test double of the probe tests: a sink that keeps what the scheduler hands it.</summary>
internal sealed class InMemoryProbeSink : IProbeResultSink
{
    public ConcurrentQueue<ProbeResult> Results { get; private set; } = new();

    public void Clear() => Results = new ConcurrentQueue<ProbeResult>();

    public ValueTask WriteAsync(IReadOnlyList<ProbeResult> results, CancellationToken cancellationToken)
    {
        foreach (var result in results)
        {
            Results.Enqueue(result);
        }

        return ValueTask.CompletedTask;
    }
}
