using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Fleet.FakeCloudflared;

/// <summary>
/// The stand-in for Cloudflare's edge (FAKE_CLOUDFLARED_EDGE=address:port, HTTPS with FAKE_CLOUDFLARED_EDGE_CERT and
/// FAKE_CLOUDFLARED_EDGE_KEY): for the tunnel's Host while its connection is up, the request goes to the --url service;
/// otherwise 530 "error code: 1033" (no tunnel serves the name); a refusing service gets 502 and cloudflared's log line.
/// </summary>
internal static class EdgeHost
{
    public const string AddressVariable = "FAKE_CLOUDFLARED_EDGE";
    public const string CertVariable = "FAKE_CLOUDFLARED_EDGE_CERT";
    public const string KeyVariable = "FAKE_CLOUDFLARED_EDGE_KEY";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };

    public static WebApplication? Build(TunnelState state, CloudflaredLog log)
    {
        string? address = Environment.GetEnvironmentVariable(AddressVariable);
        if (string.IsNullOrEmpty(address))
        {
            return null;
        }

        string? cert = Environment.GetEnvironmentVariable(CertVariable);
        string? key = Environment.GetEnvironmentVariable(KeyVariable);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPEndPoint.Parse(address), listen =>
        {
            if (!string.IsNullOrEmpty(cert) && !string.IsNullOrEmpty(key))
            {
                listen.UseHttps(X509Certificate2.CreateFromPemFile(cert, key));
            }
        }));
        WebApplication app = builder.Build();
        HttpClient upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        app.Lifetime.ApplicationStopped.Register(upstream.Dispose);
        app.Run(context => ForwardAsync(context, state, log, upstream));
        return app;
    }

    private static async Task ForwardAsync(HttpContext context, TunnelState state, CloudflaredLog log, HttpClient upstream)
    {
        if (!string.Equals(context.Request.Host.Host, state.Hostname, StringComparison.OrdinalIgnoreCase) || !state.Connected)
        {
            context.Response.StatusCode = 530;
            await context.Response.WriteAsync("error code: 1033");
            return;
        }

        using HttpRequestMessage request = new(new HttpMethod(context.Request.Method), state.Url.TrimEnd('/') + context.Request.Path + context.Request.QueryString);
        foreach (var header in context.Request.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            request.Headers.TryAddWithoutValidation(header.Key, [.. header.Value]);
        }

        // Headers Cloudflare's edge adds to every proxied request (developers.cloudflare.com/fundamentals/reference/http-headers/).
        request.Headers.TryAddWithoutValidation("Cf-Ray", $"{Random.Shared.NextInt64():x16}-AMS");
        request.Headers.TryAddWithoutValidation("Cf-Connecting-Ip", context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");

        HttpResponseMessage response;
        try
        {
            response = await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            log.OriginUnreachable(state.Url, (ex.InnerException as SocketException)?.Message ?? ex.Message);
            context.Response.StatusCode = 502;
            await context.Response.WriteAsync("<!DOCTYPE html><title>Bad gateway</title><h1>Bad gateway</h1><p>Error code 502</p>");
            return;
        }

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
