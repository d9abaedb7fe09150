using Microsoft.AspNetCore.Hosting;

namespace Fleet.Api.Metrics;

/// <summary>
/// The optional metrics port: an extra HTTP endpoint next to the configured ones on which only <c>/metrics</c> is
/// served, without a key. The port is recognised by the connection's local port, never by the Host header (which
/// the client chooses).
/// </summary>
internal sealed class MetricsPort(int port) : IStartupFilter
{
    public static bool IsOn(HttpContext http, int port) => http.Connection.LocalPort == port;

    /// <summary>
    /// Adds <c>http://*:{port}</c> to the addresses the server binds. Kestrel binds either the configured URLs or
    /// endpoints given in code, not both, so the configured ones (<c>urls</c>, else <c>http_ports</c>/<c>https_ports</c>,
    /// else Kestrel's default) are written back together with the metrics port. Endpoints configured in the
    /// <c>Kestrel:Endpoints</c> section take precedence over URLs: add the metrics port there instead.
    /// </summary>
    public static void Listen(IConfiguration configuration, int port)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            var fromPorts = Ports(configuration[WebHostDefaults.HttpPortsKey], "http")
                .Concat(Ports(configuration[WebHostDefaults.HttpsPortsKey], "https"))
                .ToList();
            urls = fromPorts.Count > 0 ? string.Join(';', fromPorts) : "http://localhost:5000";
        }

        configuration[WebHostDefaults.ServerUrlsKey] = $"{urls};http://*:{port}";
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // First in the pipeline: the metrics port exposes nothing but /metrics.
        app.Use((context, nextMiddleware) =>
        {
            if (IsOn(context, port) && !context.Request.Path.Equals(MetricsExtensions.Path, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return nextMiddleware(context);
        });
        next(app);
    };

    private static IEnumerable<string> Ports(string? ports, string scheme) =>
        (ports ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => $"{scheme}://*:{p}");
}
