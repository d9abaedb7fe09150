using System.Net;
using System.Net.Sockets;

namespace Fleet.FakeNgrok;

/// <summary>
/// The stand-in for ngrok's edge: for the Host of an http tunnel this fake handed out, it forwards the request to the
/// tunnel's upstream (a reverse proxy, no redirects followed), and answers ngrok's own pages where ngrok would: 3200
/// for an unknown or offline endpoint (control `offline`, or the session dropped), 6024 for a browser without the skip
/// header, 8012 when the upstream refuses, 3004 when it answers something that is not HTTP.
/// </summary>
internal sealed class EdgeProxy(FakeAgentState state) : IDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };

    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        string host = context.Request.Host.Host;
        FakeTunnel? tunnel = state.Tunnels.Snapshot().FirstOrDefault(t => t.Spec.Proto == "http" && HostOf(t.Url) == host);
        if (tunnel is null || !state.SessionOnline || state.Offline.Contains(tunnel.Name))
        {
            return EdgePages.EndpointOffline(host);
        }

        // The free plan's interstitial: only for what looks like a browser, unless the skip header is sent.
        string agent = context.Request.Headers.UserAgent.ToString();
        if (agent.StartsWith("Mozilla/", StringComparison.Ordinal) && !context.Request.Headers.ContainsKey("ngrok-skip-browser-warning"))
        {
            return EdgePages.BrowserWarning(host);
        }

        string upstream = tunnel.Spec.Addr.Contains("://", StringComparison.Ordinal) ? tunnel.Spec.Addr : "http://" + tunnel.Spec.Addr;
        using HttpRequestMessage request = new(new HttpMethod(context.Request.Method), upstream.TrimEnd('/') + context.Request.Path + context.Request.QueryString);
        foreach (var header in context.Request.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            request.Headers.TryAddWithoutValidation(header.Key, [.. header.Value]);
        }

        HttpResponseMessage response;
        try
        {
            response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return EdgePages.UpstreamUnreachable(tunnel.Spec.Addr, ex.InnerException?.Message ?? ex.Message);
        }
        catch (HttpRequestException)
        {
            return EdgePages.InvalidUpstreamResponse();
        }

        return new Forwarded(response);
    }

    public void Dispose() => _upstream.Dispose();

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) ? uri.Host : "";

    /// <summary>The upstream's answer as it came: status, headers (not hop-by-hop) and body.</summary>
    private sealed class Forwarded(HttpResponseMessage response) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            using (response)
            {
                context.Response.StatusCode = (int)response.StatusCode;
                foreach (var header in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHop.Contains(h.Key)))
                {
                    context.Response.Headers[header.Key] = header.Value.ToArray();
                }

                try
                {
                    await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
                {
                    context.Abort();
                }
            }
        }
    }
}
