using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fleet.Agent.Cloudflared;

/// <summary>
/// Reads cloudflared's metrics server on loopback (no authentication): the quick tunnel's hostname and whether the
/// tunnel has a connection to Cloudflare's edge. Use <see cref="CreateHttpClient"/> for the client.
/// </summary>
/// <param name="http">BaseAddress is the metrics server, e.g. http://127.0.0.1:20241/.</param>
internal sealed class CloudflaredMetricsClient(HttpClient http)
{
    /// <summary>Both answers are a few dozen bytes; a bound on what a confused local process can make us buffer.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    /// <summary>No redirects and no proxy (loopback traffic must not go through one), short timeouts.</summary>
    public static HttpClient CreateHttpClient(Uri baseAddress, TimeSpan timeout) => new(
        new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, ConnectTimeout = timeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
        disposeHandler: true)
    {
        BaseAddress = baseAddress,
        Timeout = timeout,
        MaxResponseContentBufferSize = MaxResponseBytes,
    };

    /// <returns>The public URL (https://host), or null while cloudflared has no quick tunnel hostname.</returns>
    /// <exception cref="HttpRequestException">The metrics server does not answer, or answered an error.</exception>
    /// <exception cref="InvalidDataException">The answer is not the documented JSON.</exception>
    public async Task<string?> GetQuickTunnelUrlAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri("quicktunnel", UriKind.Relative), ct);
        response.EnsureSuccessStatusCode();
        var answer = await ReadAsync(response, CloudflaredJsonContext.Default.QuickTunnelAnswer, ct);
        var host = answer.Hostname?.Trim();
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }

        // cloudflared prints the box with https:// added; the endpoint gives the bare host. Accept either.
        var url = host.Contains("://", StringComparison.Ordinal) ? host : "https://" + host;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == "https" && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query)
            ? "https://" + uri.IdnHost
            : throw new InvalidDataException($"cloudflared's /quicktunnel named '{host}', which is not a host name.");
    }

    /// <returns>The number of registered edge connections (0 when /ready answers 503), or null when there is no /ready.</returns>
    /// <exception cref="HttpRequestException">The metrics server does not answer, or answered another error.</exception>
    /// <exception cref="InvalidDataException">The answer is not the documented JSON.</exception>
    public async Task<int?> GetReadyConnectionsAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri("ready", UriKind.Relative), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
        {
            response.EnsureSuccessStatusCode();
        }

        var answer = await ReadAsync(response, CloudflaredJsonContext.Default.ReadyAnswer, ct);
        return response.StatusCode == HttpStatusCode.OK ? Math.Max(answer.ReadyConnections, 1) : 0;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            return JsonSerializer.Deserialize(body, type) ?? throw new InvalidDataException($"cloudflared's {response.RequestMessage?.RequestUri?.AbsolutePath} answered null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"cloudflared's {response.RequestMessage?.RequestUri?.AbsolutePath} did not answer the documented JSON: {ex.Message}", ex);
        }
    }
}
