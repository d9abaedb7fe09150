using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Limits;

/// <summary>
/// Counts wrong keys (and failed sign-ins) in fixed one-minute windows, separately per client address and per presented
/// key. Once either allowance is used up, further WRONG keys from that address, or the same wrong key from anywhere,
/// answer 429. A valid key or session is never refused here: it is checked before this is consulted, so nobody behind
/// a shared address (a proxy, a NAT) is locked out by someone else's failures.
/// </summary>
internal sealed class FailedAuthentications : IDisposable
{
    // Presented keys are counted under a keyed hash (HMAC with a per-process random key): the key itself is never held,
    // and the partition names cannot be reversed or matched against a list of guesses.
    private readonly byte[] _fingerprintKey = RandomNumberGenerator.GetBytes(32);
    private readonly PartitionedRateLimiter<string> _byAddress;
    private readonly PartitionedRateLimiter<string> _byPresentedKey;

    public FailedAuthentications(IOptions<LimitsOptions> options)
    {
        _byAddress = Windows(options.Value.FailedAuthPerMinute);
        _byPresentedKey = Windows(options.Value.FailedAuthPerPresentedKeyPerMinute);
    }

    /// <summary>The client address: the connection's, or the forwarded one when the connection is a trusted proxy.</summary>
    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>
    /// Records one wrong key from this request; false (nothing recorded) when the address or that key has used up its
    /// allowance, with how long until it has one again.
    /// </summary>
    public bool TryRecord(HttpContext context, string presentedKey, out TimeSpan retryAfter)
    {
        var address = AddressOf(context);
        var fingerprint = Fingerprint(presentedKey);
        retryAfter = TimeSpan.Zero;
        foreach (var (limiter, partition) in new[] { (_byAddress, address), (_byPresentedKey, fingerprint) })
        {
            using var probe = limiter.AttemptAcquire(partition, 0);
            if (!probe.IsAcquired)
            {
                var wait = probe.TryGetMetadata(MetadataName.RetryAfter, out var metadata) ? metadata : TimeSpan.FromMinutes(1);
                retryAfter = wait > retryAfter ? wait : retryAfter;
            }
        }

        if (retryAfter > TimeSpan.Zero)
        {
            return false;
        }

        using var byAddress = _byAddress.AttemptAcquire(address);
        using var byKey = _byPresentedKey.AttemptAcquire(fingerprint);
        return true;
    }

    public void Dispose()
    {
        _byAddress.Dispose();
        _byPresentedKey.Dispose();
    }

    private string Fingerprint(string presentedKey) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_fingerprintKey, Encoding.UTF8.GetBytes(presentedKey)));

    private static PartitionedRateLimiter<string> Windows(int permits) =>
        PartitionedRateLimiter.Create<string, string>(partition =>
            RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
}
