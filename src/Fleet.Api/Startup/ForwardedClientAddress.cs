using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Startup;

/// <summary>
/// ASP.NET Core's forwarded-headers middleware, limited to the configured proxies: behind a trusted proxy the client
/// address (rate limits, failed-authentication counts) is the forwarded one; from anywhere else the headers are
/// ignored, so a client cannot choose its own address.
/// </summary>
internal static class ForwardedClientAddress
{
    public static IHostApplicationBuilder AddFleetForwardedHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProxyOptions>()
            .BindConfiguration(ProxyOptions.Section)
            .Validate(o => o.Validate() is null, "Http:TrustedProxies, Http:TrustedNetworks or Http:ForwardLimit is not valid.")
            .ValidateOnStart();
        var proxies = builder.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new();
        if (proxies.Validate() is { } problem)
        {
            throw new OptionsValidationException(ProxyOptions.Section, typeof(ProxyOptions), [problem]);
        }

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = proxies.ForwardLimit;
            // The framework trusts loopback by default; only what is configured is trusted here.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.TrustedProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in proxies.TrustedNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline, when proxies are configured; otherwise forwarded headers are never read.</summary>
    public static WebApplication UseFleetForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.IsEnabled)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
