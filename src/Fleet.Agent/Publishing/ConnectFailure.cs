using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using MQTTnet.Exceptions;

namespace Fleet.Agent.Publishing;

/// <summary>What stopped a connection to an endpoint, read from the exception chain MQTTnet and .NET throw.</summary>
internal enum ConnectFailureKind
{
    /// <summary>Nothing listens there (RST): a wrong port, a broker that is down, or a firewall that rejects.</summary>
    Refused,

    /// <summary>No answer in time: a firewall that drops, the usual sign of a blocked port.</summary>
    TimedOut,

    /// <summary>The host name does not resolve.</summary>
    NameNotResolved,

    /// <summary>No route (no network, or a network that only lets certain addresses out).</summary>
    Unreachable,

    /// <summary>The proxy wants credentials (407).</summary>
    ProxyAuthentication,

    /// <summary>The proxy refused to open the tunnel (403 or another status).</summary>
    ProxyRefused,

    /// <summary>The proxy itself cannot be reached.</summary>
    ProxyUnreachable,

    /// <summary>The certificate was refused by Fleet's rules (name, CA, pin); the message says which and what to change.</summary>
    Certificate,

    /// <summary>The TLS handshake broke off: often TLS against a plain-text listener.</summary>
    TlsHandshake,

    /// <summary>The server closed the connection without an MQTT answer: often plain text against a TLS listener.</summary>
    ClosedWithoutAnswer,

    /// <summary>Anything else.</summary>
    Other,
}

internal static class ConnectFailure
{
    /// <summary>The kind and the most telling message down the chain.</summary>
    public static (ConnectFailureKind Kind, string Detail) Classify(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AuthenticationException when e.Message.StartsWith("TLS refused:", StringComparison.Ordinal):
                    return (ConnectFailureKind.Certificate, e.Message);
                case AuthenticationException:
                    return (ConnectFailureKind.TlsHandshake, e.Message);
                case HttpRequestException { HttpRequestError: HttpRequestError.ProxyTunnelError } http:
                    // .NET's text: "… to proxy 'http://host:port/' failed with status code '407'." The proxy's own port
                    // is in it too (40779 holds "407"), so only the status part counts.
                    return http.StatusCode == HttpStatusCode.ProxyAuthenticationRequired || http.Message.Contains("status code '407'", StringComparison.Ordinal)
                        ? (ConnectFailureKind.ProxyAuthentication, http.Message)
                        : (ConnectFailureKind.ProxyRefused, http.Message);
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } http when http.Message.Contains("proxy", StringComparison.OrdinalIgnoreCase):
                    return (ConnectFailureKind.ProxyUnreachable, http.Message);
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused } socket:
                    return (ConnectFailureKind.Refused, socket.Message);
                case SocketException { SocketErrorCode: SocketError.TimedOut } socket:
                    return (ConnectFailureKind.TimedOut, socket.Message);
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } socket:
                    return (ConnectFailureKind.NameNotResolved, socket.Message);
                case SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable } socket:
                    return (ConnectFailureKind.Unreachable, socket.Message);
                // MQTTnet's own connect timeout (WithTimeout) surfaces as "MQTT connect canceled".
                case MqttCommunicationTimedOutException or TimeoutException or OperationCanceledException:
                    return (ConnectFailureKind.TimedOut, e.Message);
                case MqttCommunicationException when e.InnerException is null && e.Message.Contains("closed", StringComparison.OrdinalIgnoreCase):
                    return (ConnectFailureKind.ClosedWithoutAnswer, e.Message);
                case EndOfStreamException:
                    return (ConnectFailureKind.ClosedWithoutAnswer, e.Message);
            }
        }

        return (ConnectFailureKind.Other, Reasons(ex));
    }

    /// <summary>One line for the log.</summary>
    public static string Describe(Exception ex)
    {
        var (kind, detail) = Classify(ex);
        return kind switch
        {
            ConnectFailureKind.Refused => "connection refused",
            ConnectFailureKind.TimedOut => "no answer (timed out)",
            ConnectFailureKind.NameNotResolved => "the name does not resolve",
            ConnectFailureKind.Unreachable => "no route to it",
            ConnectFailureKind.ProxyAuthentication => "the proxy asks for credentials (407)",
            ConnectFailureKind.ProxyRefused => "the proxy refused the tunnel: " + detail,
            ConnectFailureKind.ProxyUnreachable => "the proxy cannot be reached: " + detail,
            _ => detail,
        };
    }

    /// <summary>Every distinct message down the chain: MQTTnet's "error while connecting" hides the TLS or socket reason inside.</summary>
    public static string Reasons(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(": ", messages);
    }
}
