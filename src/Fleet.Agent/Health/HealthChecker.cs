using System.Net;
using System.Text;
using Fleet.Agent.Publishing;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Health;

/// <summary>
/// Runs one check (a bounded command or an HTTP GET) and the two facts that need more than a file read: the Pi's
/// throttling (<c>vcgencmd get_throttled</c>, when it exists) and the public IP (Agent:Health:PublicIpUrl, when set).
/// Every run is bounded in time and bytes and never throws for what the check found.
/// </summary>
internal sealed class HealthChecker(TimeProvider clock) : IDisposable
{
    private const int MaxPublicIpBytes = 64;
    private static readonly TimeSpan FactTimeout = TimeSpan.FromSeconds(5);
    private static readonly string[] VcgencmdPaths = ["/usr/bin/vcgencmd", "/opt/vc/bin/vcgencmd"];

    private readonly Lazy<HttpClient> _http = new(Create);

    public async Task<HealthCheckResult> RunAsync(HealthCheckSettings check, CancellationToken ct)
    {
        if (check.Command.Count > 0)
        {
            var run = await BoundedCommand.RunAsync(check.Command, check.Timeout, clock, ct);
            return CheckOutput.Interpret(check.Name, run, clock.GetUtcNow());
        }

        var (status, error) = await GetAsync(new Uri(check.Url!), check.Timeout, null, ct);
        var outcome = status is >= 200 and < 300 ? HealthOutcomes.Ok : HealthOutcomes.Fail;
        return CheckOutput.Result(check.Name, outcome, error ?? $"HTTP {status}", status, clock.GetUtcNow());
    }

    /// <summary>The bits <c>vcgencmd get_throttled</c> prints ("throttled=0x50005" gives "0x50005"); null off a Pi.</summary>
    public async Task<string?> ReadThrottledAsync(CancellationToken ct)
    {
        if (VcgencmdPaths.FirstOrDefault(File.Exists) is not { } vcgencmd)
        {
            return null;
        }

        var run = await BoundedCommand.RunAsync([vcgencmd, "get_throttled"], FactTimeout, clock, ct);
        return run is { ExitCode: 0, FirstLine: { } line } && line.StartsWith("throttled=", StringComparison.Ordinal) && line.Length <= 32
            ? line["throttled=".Length..].Trim()
            : null;
    }

    /// <summary>The address the URL's answer names, or null when it answers anything else (or nothing).</summary>
    public async Task<string?> ReadPublicIpAsync(string url, CancellationToken ct)
    {
        var body = new byte[MaxPublicIpBytes];
        var (status, _) = await GetAsync(new Uri(url), FactTimeout, body, ct);
        var text = Encoding.ASCII.GetString(body).TrimEnd('\0').Trim();
        return status is >= 200 and < 300 && IPAddress.TryParse(text, out var address) ? address.ToString() : null;
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    /// <summary>The status (null when none came) and why not; the start of the body into <paramref name="body"/> when given.</summary>
    private async Task<(int? Status, string? Error)> GetAsync(Uri url, TimeSpan timeout, byte[]? body, CancellationToken ct)
    {
        var client = _http.Value;
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("User-Agent", "fleet-agent/" + AgentInfo.Version);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (body is not null)
            {
                await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
                await stream.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, linked.Token);
            }

            return ((int)response.StatusCode, null);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return (null, deadline.IsCancellationRequested ? "timed out" : ex.Message);
        }
    }

    // Local services and a plain-text IP echo: no redirects, no cookies, no proxy, nothing drained after the answer.
    private static HttpClient Create() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        MaxResponseHeadersLength = 16,
        MaxResponseDrainSize = 0,
        PooledConnectionLifetime = TimeSpan.Zero,
    })
    { Timeout = Timeout.InfiniteTimeSpan };
}
