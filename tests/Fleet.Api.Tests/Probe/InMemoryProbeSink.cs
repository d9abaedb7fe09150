using System.Collections.Concurrent;
using Fleet.Api.Reachability;

namespace Fleet.Api.Tests.Probe;

/// <summary>The only test double of the probe tests: a sink that keeps what the scheduler hands it.</summary>
internal sealed class InMemoryProbeSink : IProbeResultSink
{
    public ConcurrentQueue<ProbeResult> Results { get; private set; } = new();

    public void Clear() => Results = new ConcurrentQueue<ProbeResult>();

    /// <summary>The size of each batch written, in order.</summary>
    public ConcurrentQueue<int> Batches { get; } = new();

    public ValueTask WriteAsync(IReadOnlyList<ProbeResult> results, CancellationToken cancellationToken)
    {
        Batches.Enqueue(results.Count);
        foreach (var result in results)
        {
            Results.Enqueue(result);
        }

        return ValueTask.CompletedTask;
    }
}
