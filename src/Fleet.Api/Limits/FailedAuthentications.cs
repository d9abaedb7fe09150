using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Limits;

/// <summary>
/// Counts failed authentications per remote address in a fixed one-minute window. While an address has used up its
/// allowance, every request from it that presents a key (right or wrong) answers 429, so guessing keys stays slow.
/// </summary>
internal sealed class FailedAuthentications(IOptions<LimitsOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedAuthPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Records one failed attempt from the request's address.</summary>
    public void Record(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(AddressOf(context));
    }

    /// <summary>Whether the address has failures left in this window; if not, how long until it has.</summary>
    public bool IsBlocked(HttpContext context, out TimeSpan? retryAfter)
    {
        using var probe = _limiter.AttemptAcquire(AddressOf(context), 0);
        retryAfter = !probe.IsAcquired && probe.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
        return !probe.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
