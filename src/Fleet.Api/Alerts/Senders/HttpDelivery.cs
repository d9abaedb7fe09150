using System.Net;
using System.Net.Sockets;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Egress;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Alerts.Senders;

/// <summary>
/// One HTTP delivery attempt for the webhook, ntfy and Slack senders, and the one place that turns its answer into a
/// <see cref="DeliveryResult"/>: 2xx delivered; 408, 429 (with Retry-After), 5xx, timeouts and connection errors worth
/// a retry; a refusal by the egress rules, a redirect and any other 4xx permanent. Errors name a status, a code or
/// a short answer from the receiver, never the URL (its path or query may be the secret).
/// </summary>
internal sealed class HttpDelivery(AlertEgress egress, IOptions<AlertSenderOptions> options, TimeProvider clock)
{
    /// <summary>Most bytes of an answer read (for a short error word); the rest is never read.</summary>
    public const int MaxAnswerBytes = 4 * 1024;

    /// <param name="secret">The destination's secret, never repeated in the result even when the receiver echoes it.</param>
    /// <param name="describe">A short description of an error answer's body (e.g. Slack's "channel_not_found"), or null.</param>
    public async Task<DeliveryResult> SendAsync(HttpRequestMessage request, string? secret, Func<string, string?>? describe, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { IsAbsoluteUri: true, Scheme: "http" or "https" } uri)
        {
            return DeliveryResult.Permanent("refused: only http and https destinations are sent to");
        }

        var timeout = options.Value.SendTimeout;
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await egress.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return DeliveryResult.Delivered(status);
            }

            var body = await EgressHttp.ReadBoundedAsync(response.Content, MaxAnswerBytes, linked.Token);
            var detail = describe?.Invoke(body) is { Length: > 0 } d && !Echoes(d, request, secret) ? $": {d}" : string.Empty;
            return status switch
            {
                408 or 429 or >= 500 => DeliveryResult.Retry($"HTTP {status}{detail}", status, RetryAfter(response)),
                >= 300 and < 400 => DeliveryResult.Permanent($"HTTP {status}: redirects are not followed", status),
                _ => DeliveryResult.Permanent($"HTTP {status}{detail}", status),
            };
        }
        catch (Exception ex) when (EgressHttp.Refusal(ex) is { } refused)
        {
            return DeliveryResult.Permanent(refused.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The attempt's deadline or the handler's connect timeout; only the caller's own cancellation propagates.
            return DeliveryResult.Retry($"timeout after {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return DeliveryResult.Retry(Describe(ex, uri));
        }
        catch (IOException ex)
        {
            return DeliveryResult.Retry($"connection failed: {ex.GetType().Name}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A sender must not throw for a failed delivery; the type is enough, the message may name the URL.
            return DeliveryResult.Retry($"request failed: {ex.GetType().Name}");
        }
    }

    /// <summary>
    /// Whether a receiver's answer repeats what must never reach a result: the URL's query or one of its values, a
    /// path segment (Slack's and Mattermost's URLs carry their key there), the secret, or a sent credential or signature.
    /// </summary>
    private static bool Echoes(string detail, HttpRequestMessage request, string? secret)
    {
        var uri = request.RequestUri!;
        IEnumerable<string> query = uri.Query.TrimStart('?').Split('&').SelectMany(p => p.Split('=', 2));
        IEnumerable<string> path = uri.AbsolutePath.Split('/').Where(s => s.Length >= 6);
        IEnumerable<string> sent = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Where(h => h.Key is "Authorization" or "webhook-signature")
            .SelectMany(h => h.Value)
            .SelectMany(v => v.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries));
        IEnumerable<string> key = secret is null ? [] : [secret, secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret];
        return query.Concat(path).Concat(sent).Concat(key)
            .Where(s => s.Length >= 4)
            .Any(s => detail.Contains(s, StringComparison.Ordinal) || detail.Contains(Uri.UnescapeDataString(s), StringComparison.Ordinal));
    }

    /// <summary>What went wrong without the handler's message, which names the host and port and may name the URL.</summary>
    private static string Describe(HttpRequestException ex, Uri uri)
    {
        var socket = ex.InnerException as SocketException ?? ex.InnerException?.InnerException as SocketException;
        // A connect cut by the handler's connect timeout, or by the attempt's deadline inside the egress's connect
        // callback (seen on a busy host), is a timeout, not a refused connection.
        if (ex.InnerException is TimeoutException or OperationCanceledException)
        {
            return "timeout while connecting";
        }

        var what = ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "the destination's name does not resolve",
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.SecureConnectionError => $"TLS with {uri.IdnHost} failed",
            HttpRequestError.ResponseEnded => "the connection closed before an answer",
            HttpRequestError.InvalidResponse => "the answer is not HTTP",
            HttpRequestError.ConfigurationLimitExceeded => "the answer's headers are too large",
            _ => "request failed",
        };
        return socket is null ? what : $"{what} ({socket.SocketErrorCode})";
    }

    /// <summary>The answer's Retry-After as a delay (seconds, or a date from now), or null.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - clock.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>A receiver's short error word (Slack's "channel_not_found", ntfy's "error" text), cut to a safe length.</summary>
    public static string? Short(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var line = text.Trim().Split('\n')[0].Trim();
        return line.Length <= 100 ? line : line[..100] + "…";
    }
}
