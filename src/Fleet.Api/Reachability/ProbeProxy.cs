using System.Net;

namespace Fleet.Api.Reachability;

/// <summary>
/// The proxy the probe's HTTP requests go through: the process's environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, read
/// by <see cref="HttpClient.DefaultProxy"/>), or none. A seam so a test can name a proxy without changing the
/// environment of every test in the process.
/// </summary>
internal sealed class ProbeProxy(IWebProxy proxy)
{
    public IWebProxy Proxy => proxy;

    public bool Applies(Uri url) => !proxy.IsBypassed(url) && proxy.GetProxy(url) is { } via && via != url;
}
