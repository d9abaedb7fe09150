using Fleet.Domain.Reachability;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Fleet.Agent.Publishing;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Checks;

/// <summary>
/// One bounded request or connect: at most <see cref="Timeout"/> (on <see cref="TimeProvider"/>), response headers
/// of at most 16 KiB, at most <see cref="MaxBodyBytes"/> of the body, no redirect followed (a 3xx is an answer), no
/// cookies, no proxy (the check is of the Pi's own path), a new connection each time, nothing drained afterwards.
/// </summary>
internal sealed class Prober : IDisposable
{
    /// <summary>Enough for the start of an error page, where ngrok's code is.</summary>
    public const int MaxBodyBytes = 4096;

    private readonly CheckConnector _connector;
    private readonly TimeProvider _clock;
    private readonly RemoteCertificateValidationCallback? _validateCertificate;
    private readonly Lazy<HttpClient> _http;

    /// <param name="validateCertificate">Null accepts any certificate (an upstream on the Pi, as ngrok does).</param>
    public Prober(CheckConnector connector, TimeSpan timeout, TimeProvider clock, RemoteCertificateValidationCallback? validateCertificate)
    {
        _connector = connector;
        _clock = clock;
        Timeout = timeout;
        _validateCertificate = validateCertificate;
        _http = new Lazy<HttpClient>(Create);
    }

    public TimeSpan Timeout { get; }

    public async Task<ProbeResult> GetAsync(Uri url, CancellationToken ct)
    {
        // Made before the deadline starts: the first check's time is the network's, not the client's construction.
        var client = _http.Value;
        using var deadline = new CancellationTokenSource(Timeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var started = _clock.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation(EdgeAnswer.SkipBrowserWarningHeader, "1");
        request.Headers.TryAddWithoutValidation("User-Agent", "fleet-agent/" + AgentInfo.Version);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var body = new byte[MaxBodyBytes];
            var read = await ReadStartAsync(response, body, linked.Token, ct);
            var latency = _clock.GetElapsedTime(started);
            var header = response.Headers.TryGetValues(EdgeAnswer.ErrorCodeHeader, out var values) ? values.FirstOrDefault() : null;
            var (outcome, code) = EdgeAnswer.Classify((int)response.StatusCode, header, body.AsSpan(0, read));
            return new ProbeResult(outcome, code, (int)response.StatusCode, latency, read);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or IOException or OperationCanceledException or CheckDnsException)
        {
            return new ProbeResult(Classify(ex, deadline.IsCancellationRequested), null, null, _clock.GetElapsedTime(started), Error: ex.Message);
        }
    }

    public async Task<ProbeResult> ConnectAsync(string host, int port, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(Timeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var started = _clock.GetTimestamp();
        try
        {
            using var socket = await _connector.ConnectAsync(host, port, linked.Token);
            return new ProbeResult(CheckOutcomes.Ok, null, null, _clock.GetElapsedTime(started));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is SocketException or OperationCanceledException or CheckDnsException)
        {
            return new ProbeResult(Classify(ex, deadline.IsCancellationRequested), null, null, _clock.GetElapsedTime(started), Error: ex.Message);
        }
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    /// <summary>
    /// The prober's one client, made at its first HTTP check: an agent with checks off, or with only tcp/ssh tunnels,
    /// never loads the HTTP stack. It lives as long as the prober; PooledConnectionLifetime zero still gives every
    /// request a new connection, so no check rides on a connection an earlier one opened.
    /// </summary>
    private HttpClient Create()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = 16,
            MaxResponseDrainSize = 0,
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (context, ct) =>
                new NetworkStream(await _connector.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct), ownsSocket: true),
            SslOptions = new SslClientAuthenticationOptions
            {
#pragma warning disable CA5359 // see AnswersAtAll: only the local service's certificate is taken as it is
                RemoteCertificateValidationCallback = _validateCertificate ?? AnswersAtAll,
#pragma warning restore CA5359
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            },
        };
        return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    // Only for the local service behind a tunnel, whose certificate is usually self-signed: the question is whether it
    // answers, and ngrok itself does not verify it either (https://ngrok.com/docs/universal-gateway/agent-forwarding/).
    private static bool AnswersAtAll(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;

    /// <summary>
    /// Reads up to the buffer's size. A body that stops or drips past the deadline leaves what came: the status and
    /// headers already answered the question.
    /// </summary>
    private static async Task<int> ReadStartAsync(HttpResponseMessage response, byte[] buffer, CancellationToken token, CancellationToken ct)
    {
        var read = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(token);
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), token)) > 0)
            {
                read += n;
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // Keep what arrived.
        }

        return read;
    }

    /// <summary>The outcome of a failure; the one place that maps exceptions to outcomes.</summary>
    internal static string Classify(Exception ex, bool timedOut)
    {
        if (timedOut)
        {
            return CheckOutcomes.Timeout;
        }

        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case CheckDnsException:
                    return CheckOutcomes.DnsError;
                case AuthenticationException:
                    return CheckOutcomes.TlsError;
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return CheckOutcomes.Timeout;
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                    return CheckOutcomes.DnsError;
                case SocketException:
                    // Refused, unreachable, reset: nothing takes connections at the address.
                    return CheckOutcomes.EndpointOffline;
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
                    return CheckOutcomes.TlsError;
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return CheckOutcomes.DnsError;
            }
        }

        // An answer that is not HTTP, ends early or has oversized headers: something answered, but not as it should.
        return CheckOutcomes.EdgeError;
    }
}
