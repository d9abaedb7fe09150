using System.Net;
using System.Threading.RateLimiting;

namespace Fleet.Api.Mqtt;

/// <summary>
/// Failed MQTT logins per remote address in a fixed one-minute window (the HTTP side's Limits:FailedAuthPerMinute rule,
/// for the broker). While an address has used up <see cref="EmbeddedBrokerOptions.FailedLoginsPerMinute"/>, its logins
/// are refused before any password is checked or the database is asked.
/// </summary>
internal sealed class FailedLogins(EmbeddedBrokerOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.FailedLoginsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public void Record(IPAddress address)
    {
        using var lease = _limiter.AttemptAcquire(address);
    }

    public bool IsBlocked(IPAddress address)
    {
        using var probe = _limiter.AttemptAcquire(address, 0);
        return !probe.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
