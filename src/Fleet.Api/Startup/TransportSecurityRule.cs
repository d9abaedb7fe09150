using System.Net;
using Fleet.Api.Metrics;
using Fleet.Api.Mqtt;
using Microsoft.AspNetCore.Hosting;

namespace Fleet.Api.Startup;

/// <summary>
/// Refuse what leaks: outside Development the API does not start with a plain-text listener (HTTP carrying API keys,
/// MQTT carrying detector passwords) on an address other hosts can reach, unless the operator says, with a switch whose
/// name says so, that the network in between is trusted (e.g. a reverse proxy on a private container network). The
/// facts come from <see cref="Listeners"/>; a new listener (a TLS or WebSocket one) is one more fact there.
/// </summary>
internal static class TransportSecurityRule
{
    /// <summary>Plain HTTP on a non-loopback address is accepted only with this set to true.</summary>
    public const string InsecureHttpSwitch = "Http:AllowInsecureHttpOnNetwork";

    /// <summary>The embedded broker's plain MQTT listener on a non-loopback address is accepted only with this set to true.</summary>
    public const string InsecureMqttSwitch = "Mqtt:Embedded:AllowInsecurePlainTextOnNetwork";

    /// <summary>Throws <see cref="ConfigurationProblemException"/> for the first listener that would leak.</summary>
    public static void Check(IEnumerable<TransportListener> listeners, IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        foreach (var listener in listeners)
        {
            if (listener.Encrypted || IsLoopback(listener.Address) || configuration.GetValue<bool>(listener.InsecureSwitchKey))
            {
                continue;
            }

            throw new ConfigurationProblemException(
                listener.AddressKey,
                $"{listener.Name} would listen in plain text on {listener.Address}, where credentials cross the network readable by anyone on the path",
                $"Bind it to 127.0.0.1 behind a TLS reverse proxy, or use TLS, or, if the network in between is trusted, set {listener.InsecureSwitchKey}=true.");
        }
    }

    /// <summary>Where this configuration makes the API listen: Kestrel's HTTP endpoints and the embedded broker.</summary>
    public static IEnumerable<TransportListener> Listeners(IConfiguration configuration, MqttOptions mqtt)
    {
        foreach (var (key, url) in HttpUrls(configuration))
        {
            var (scheme, host) = SchemeAndHost(url);
            yield return new TransportListener("HTTP", key, host, scheme == Uri.UriSchemeHttps, InsecureHttpSwitch);
        }

        if (mqtt.Mode == MqttMode.Embedded)
        {
            yield return new TransportListener("The embedded MQTT broker", "Mqtt:Embedded:BindAddress", mqtt.Embedded.BindAddress, false, InsecureMqttSwitch);
        }
    }

    /// <summary>
    /// Kestrel's precedence: endpoints in the <c>Kestrel:Endpoints</c> section, else <c>urls</c>, else
    /// <c>http_ports</c>/<c>https_ports</c>, else http://localhost:5000. The metrics port (<see cref="MetricsPort"/>)
    /// serves only /metrics without a key, so no credential crosses it; it is left out.
    /// </summary>
    private static IEnumerable<(string Key, string Url)> HttpUrls(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Where(e => !string.IsNullOrWhiteSpace(e["Url"]))
            .Select(e => ($"Kestrel:Endpoints:{e.Key}:Url", e["Url"]!))
            .ToList();
        if (endpoints.Count > 0)
        {
            return endpoints;
        }

        var metricsPort = configuration[$"{MetricsOptions.Section}:{nameof(MetricsOptions.Port)}"];
        var urls = Split(configuration[WebHostDefaults.ServerUrlsKey])
            .Where(u => metricsPort is null || !u.EndsWith($":{metricsPort}", StringComparison.Ordinal))
            .Select(u => (WebHostDefaults.ServerUrlsKey, u))
            .ToList();
        if (urls.Count > 0)
        {
            return urls;
        }

        var ports = Split(configuration[WebHostDefaults.HttpPortsKey]).Select(p => ("ASPNETCORE_HTTP_PORTS", $"http://*:{p}"))
            .Concat(Split(configuration[WebHostDefaults.HttpsPortsKey]).Select(p => ("ASPNETCORE_HTTPS_PORTS", $"https://*:{p}")))
            .ToList();
        return ports.Count > 0 ? ports : [(WebHostDefaults.ServerUrlsKey, "http://localhost:5000")];
    }

    /// <summary>Kestrel's URL forms: <c>http://*:80</c>, <c>http://+:80</c>, <c>http://[::1]:80</c>, <c>https://host:443/</c>.</summary>
    private static (string Scheme, string Host) SchemeAndHost(string url)
    {
        var separator = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = separator < 0 ? Uri.UriSchemeHttp : url[..separator].ToLowerInvariant();
        var authority = separator < 0 ? url : url[(separator + 3)..];
        authority = authority.Split('/')[0];
        var host = authority.StartsWith('[')
            ? authority[..(authority.IndexOf(']', StringComparison.Ordinal) + 1)]
            : authority.LastIndexOf(':') is var colon and > 0 ? authority[..colon] : authority;
        return (scheme, host);
    }

    /// <summary>Only an address that is loopback by itself; "*", "+", 0.0.0.0, [::] and host names reach the network.</summary>
    private static bool IsLoopback(string address) =>
        string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase)
        || IPAddress.TryParse(address.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);

    private static string[] Split(string? list) =>
        (list ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
