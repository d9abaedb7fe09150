using System.Net;
using Fleet.Api.Reachability;

namespace Fleet.Api.Tests.Probe;

/// <summary>A resolver whose answer changes on every lookup (DNS rebinding), counting lookups; the last answer repeats.</summary>
internal sealed class SequenceResolver(params IPAddress[][] answers) : IProbeResolver
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        return Task.FromResult(answers[Math.Min(call, answers.Length) - 1]);
    }
}
