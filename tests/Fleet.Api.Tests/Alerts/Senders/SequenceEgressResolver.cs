using System.Net;
using Fleet.Api.Egress;

namespace Fleet.Api.Tests.Alerts.Senders;

/// <summary>A resolver whose answer changes on every lookup (DNS rebinding), counting lookups; the last answer repeats.</summary>
internal sealed class SequenceEgressResolver(params IPAddress[][] answers) : IEgressResolver
{
    private int calls;

    public int Calls => Volatile.Read(ref calls);

    public Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref calls);
        return Task.FromResult(answers[Math.Min(call, answers.Length) - 1]);
    }
}
