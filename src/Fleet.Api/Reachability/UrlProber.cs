using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Reachability;

/// <summary>
/// Probes one tunnel URL from the API: asks <see cref="ProbeEgress"/> where it may connect, then one GET (http, https)
/// or one TCP connect (tcp) under a single deadline (Probe:Timeout) that covers connect, TLS, headers and the first
/// bytes of the body. No redirect is followed, no cookie or credential is sent, at most Probe:MaxResponseBytes of the
/// body is read and nothing of it is kept but the edge's error code.
/// </summary>
internal sealed partial class UrlProber(ProbeEgress egress, ProbeConnections connections, ProbeMetrics metrics, TimeProvider clock, IOptions<ProbeOptions> options, ILogger<UrlProber> logger)
{
    private const string UserAgent = "fleet-probe/1";

    public async Task<ProbeAttempt> ProbeAsync(string url, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var start = clock.GetTimestamp();
        metrics.Started();
        ProbeAttempt attempt;
        try
        {
            using var deadline = new CancellationTokenSource(o.Timeout, clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var spend = new ProbeSpend();
            try
            {
                var decision = await egress.DecideAsync(url, linked.Token);
                attempt = decision switch
                {
                    EgressDecision.Refused refused => Refused(refused),
                    EgressDecision.DnsFailed => Result(CheckOutcomes.DnsError, null, null, start, spend),
                    EgressDecision.Direct { Target.Scheme: "tcp" } direct => await TcpAsync(direct, start, spend, linked.Token),
                    _ => await HttpAsync(url, decision, o, start, spend, linked.Token),
                };
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                attempt = Result(CheckOutcomes.Timeout, null, null, start, spend);
            }
        }
        catch
        {
            metrics.Finished(new ProbeAttempt(new TunnelCheck { Outcome = CheckOutcomes.Timeout }, null, 0, false), clock.GetElapsedTime(start));
            throw;
        }

        metrics.Finished(attempt, clock.GetElapsedTime(start));
        return attempt;
    }

    private ProbeAttempt Refused(EgressDecision.Refused refused)
    {
        LogRefused(refused.Reason, refused.Detail);
        return new ProbeAttempt(new TunnelCheck { Outcome = CheckOutcomes.Refused, CheckedAt = clock.GetUtcNow() }, refused.Reason, 0, false);
    }

    private async Task<ProbeAttempt> TcpAsync(EgressDecision.Direct direct, long start, ProbeSpend spend, CancellationToken ct)
    {
        try
        {
            await using var stream = await ProbeConnections.ConnectAsync(new IPEndPoint(direct.Address, direct.Target.Port), 0, spend, ct);
            return Result(CheckOutcomes.Ok, null, null, start, spend);
        }
        catch (SocketException ex)
        {
            return Result(SocketOutcome(ex), null, null, start, spend);
        }
    }

    private async Task<ProbeAttempt> HttpAsync(string url, EgressDecision decision, ProbeOptions o, long start, ProbeSpend spend, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        request.Headers.ConnectionClose = true;
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation(EdgeAnswer.SkipBrowserWarningHeader, "1");

        HttpResponseMessage response;
        try
        {
            response = await connections.SendAsync(request, decision, spend, ct);
        }
        catch (HttpRequestException ex)
        {
            return Result(RequestOutcome(ex), null, null, start, spend);
        }

        using (response)
        {
            var latency = clock.GetElapsedTime(start);
            var status = (int)response.StatusCode;
            var codeHeader = response.Headers.TryGetValues(EdgeAnswer.ErrorCodeHeader, out var values) ? values.FirstOrDefault() : null;
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, o.MaxResponseBytes));
            try
            {
                var read = await ReadStartAsync(response, buffer.AsMemory(0, o.MaxResponseBytes), ct);
                var (outcome, code) = EdgeAnswer.Classify(status, codeHeader, buffer.AsSpan(0, read));
                return Result(outcome, code, status, start, spend, latency);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Reads up to the buffer's size; an answer whose body stalls or breaks after its headers is judged on what arrived.</summary>
    private static async Task<int> ReadStartAsync(HttpResponseMessage response, Memory<byte> buffer, CancellationToken ct)
    {
        var total = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            while (total < buffer.Length)
            {
                var n = await body.ReadAsync(buffer[total..], ct);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // The headers arrived: the answer stands on what was read.
        }

        return total;
    }

    private ProbeAttempt Result(string outcome, string? code, int? status, long start, ProbeSpend spend, TimeSpan? latency = null) => new(
        new TunnelCheck
        {
            Outcome = outcome,
            Code = code,
            HttpStatus = status,
            LatencyMs = (int)Math.Min(int.MaxValue, (latency ?? clock.GetElapsedTime(start)).TotalMilliseconds),
            CheckedAt = clock.GetUtcNow(),
        },
        null,
        spend.BytesRead,
        spend.ConnectAttempted);

    private static string RequestOutcome(HttpRequestException ex) => ex.HttpRequestError switch
    {
        HttpRequestError.SecureConnectionError => CheckOutcomes.TlsError,
        HttpRequestError.NameResolutionError => CheckOutcomes.DnsError,
        HttpRequestError.ConnectionError or HttpRequestError.ProxyTunnelError when ex.InnerException is SocketException socket => SocketOutcome(socket),
        HttpRequestError.ConnectionError => CheckOutcomes.EndpointOffline,
        _ => CheckOutcomes.EdgeError,
    };

    /// <summary>Refused or reset: nothing listens at the URL's address (the edge has no endpoint there). Anything else: it did not answer.</summary>
    private static string SocketOutcome(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused or SocketError.ConnectionReset => CheckOutcomes.EndpointOffline,
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => CheckOutcomes.DnsError,
        _ => CheckOutcomes.Timeout,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probe refused ({Reason}): {Detail}")]
    private partial void LogRefused(string reason, string detail);
}
