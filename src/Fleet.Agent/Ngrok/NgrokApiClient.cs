using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fleet.Agent.Ngrok;

/// <summary>
/// Reads the local ngrok agent's API (no authentication, loopback only). Both listings are read: agents before
/// the endpoints API only have /api/tunnels, and endpoints from a v3 `endpoints:` config may only appear in
/// /api/endpoints. The caller sets the timeouts on <paramref name="http"/>; use <see cref="CreateHttpClient"/>.
/// </summary>
/// <param name="http">BaseAddress is the agent's API base, e.g. http://127.0.0.1:4040/.</param>
internal sealed class NgrokApiClient(HttpClient http)
{
    /// <summary>Far above any real listing; a bound on what a confused local process can make us buffer.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    private const string TunnelsPath = "api/tunnels";
    private const string EndpointsPath = "api/endpoints";
    private const string StatusPath = "api/status";

    /// <summary>
    /// An HttpClient fit for the agent API: no redirects (the API never redirects, and a redirect could point
    /// anywhere), no proxy (a proxy from the environment must not see loopback traffic), short timeouts.
    /// </summary>
    public static HttpClient CreateHttpClient(Uri apiBaseAddress, TimeSpan timeout)
    {
        SocketsHttpHandler handler = new()
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectTimeout = timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = apiBaseAddress,
            Timeout = timeout,
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
    }

    /// <summary>
    /// Every public URL the agent serves, merged by name and sorted. A route that answers 404 counts as empty.
    /// </summary>
    /// <exception cref="HttpRequestException">The agent is not reachable or answered with another error.</exception>
    /// <exception cref="InvalidDataException">A listing was not the JSON shape ngrok documents.</exception>
    public async Task<IReadOnlyList<NgrokTunnel>> GetTunnelsAsync(CancellationToken ct)
    {
        Task<ApiTunnelList?> tunnels = GetOptionalAsync(TunnelsPath, NgrokApiJsonContext.Default.ApiTunnelList, ct);
        Task<ApiEndpointList?> endpoints = GetOptionalAsync(EndpointsPath, NgrokApiJsonContext.Default.ApiEndpointList, ct);

        // WhenAll first, so that when both fail neither exception goes unobserved.
        await Task.WhenAll(tunnels, endpoints);
        return NgrokTunnelMerger.Merge((await tunnels)?.Tunnels, (await endpoints)?.Endpoints);
    }

    /// <exception cref="HttpRequestException">The agent is not reachable or answered with an error other than 404.</exception>
    /// <exception cref="InvalidDataException">The response was not the JSON shape ngrok documents.</exception>
    public async Task<NgrokAgentStatus> GetStatusAsync(CancellationToken ct)
    {
        ApiStatus? status = await GetOptionalAsync(StatusPath, NgrokApiJsonContext.Default.ApiStatus, ct);
        if (status is null)
        {
            return NgrokAgentStatus.Unknown;
        }

        bool? online = string.IsNullOrEmpty(status.Status)
            ? null
            : string.Equals(status.Status, "online", StringComparison.OrdinalIgnoreCase);
        return new NgrokAgentStatus(string.IsNullOrEmpty(status.AgentVersion) ? null : status.AgentVersion, online);
    }

    /// <returns>Null when the route does not exist on this agent version.</returns>
    private async Task<T?> GetOptionalAsync<T>(string path, JsonTypeInfo<T> typeInfo, CancellationToken ct)
        where T : class
    {
        using HttpResponseMessage response = await http.GetAsync(new Uri(path, UriKind.Relative), ct);
        EnsureSameOrigin(response, path);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            // Redirects land here too: the handler from CreateHttpClient does not follow them.
            throw new HttpRequestException(
                $"ngrok's agent API answered {(int)response.StatusCode} to /{path}", null, response.StatusCode);
        }

        try
        {
            return await response.Content.ReadFromJsonAsync(typeInfo, ct)
                ?? throw new InvalidDataException($"ngrok's agent API answered /{path} with a JSON null");
        }
        catch (JsonException ex)
        {
            // JsonException names a path and position, never the document, so keeping it as the cause is safe.
            throw new InvalidDataException($"ngrok's agent API answered /{path} with an unexpected JSON shape", ex);
        }
    }

    // A caller-supplied HttpClient may follow redirects; whatever it followed, only the agent itself is trusted.
    private void EnsureSameOrigin(HttpResponseMessage response, string path)
    {
        Uri? requested = response.RequestMessage?.RequestUri;
        Uri? expected = http.BaseAddress;
        if (requested is null || expected is null)
        {
            return;
        }

        if (Uri.Compare(requested, expected, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new HttpRequestException($"ngrok's agent API redirected /{path} to another host; refusing to read it");
        }
    }
}
