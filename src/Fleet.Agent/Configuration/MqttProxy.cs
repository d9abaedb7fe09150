namespace Fleet.Agent.Configuration;

/// <summary>
/// <c>Agent:Mqtt:Proxy</c>: an HTTP proxy (<c>http://user:password@proxy.example.org:3128</c>) for the ws:// and wss://
/// endpoints. Without it, the standard environment variables apply (<c>HTTPS_PROXY</c>/<c>https_proxy</c> for wss,
/// <c>HTTP_PROXY</c> for ws, <c>NO_PROXY</c>), read by .NET itself. The password is never shown: <see cref="Display"/>.
/// </summary>
public sealed record MqttProxy(Uri Address, string? Username, string? Password)
{
    /// <summary>The proxy without its credentials, for logs and messages.</summary>
    public string Display => $"{Address.Scheme}://{(Username is null ? string.Empty : Username + ":***@")}{Address.Authority}";

    /// <summary>The configured proxy, or null (then the environment's applies); errors name the key, never the password.</summary>
    public static MqttProxy? Parse(string? value, List<string>? errors = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != "http" || string.IsNullOrEmpty(uri.Host))
        {
            errors?.Add("Agent:Mqtt:Proxy must be an HTTP proxy URI such as http://proxy.example.org:3128 or http://user:password@proxy.example.org:3128.");
            return null;
        }

        string? user = null;
        string? password = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        return new MqttProxy(new Uri($"http://{uri.Authority}"), user, password);
    }

    /// <summary>
    /// Whether <paramref name="host"/> is exempt by <c>NO_PROXY</c>/<c>no_proxy</c> (comma-separated names, <c>.suffix</c>
    /// or a bare domain for it and its subdomains, <c>*</c> for everything), which also applies to <c>Agent:Mqtt:Proxy</c>.
    /// </summary>
    public static bool Bypassed(string host, string? noProxy = null)
    {
        noProxy ??= Environment.GetEnvironmentVariable("NO_PROXY") ?? Environment.GetEnvironmentVariable("no_proxy");
        if (string.IsNullOrWhiteSpace(noProxy))
        {
            return false;
        }

        foreach (var entry in noProxy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = entry.Split(':')[0].TrimStart('*').TrimStart('.');
            if (entry == "*" || host.Equals(name, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
