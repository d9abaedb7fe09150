using System.Net.Sockets;

namespace Fleet.Agent.Checks;

/// <summary>The name of a URL did not resolve: the outcome <c>dns-error</c>.</summary>
internal sealed class CheckDnsException(string host, SocketException? inner)
    : Exception($"'{host}' does not resolve{(inner is null ? string.Empty : ": " + inner.Message)}", inner);
