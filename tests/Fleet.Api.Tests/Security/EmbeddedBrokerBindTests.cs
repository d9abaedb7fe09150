using System.Net;
using System.Net.Sockets;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// Mqtt:Embedded:BindAddress is where the broker listens, and nowhere else. (MQTTnet's own listener also opened
/// [::]:port whatever IPv4 address was configured, so a broker "bound to 127.0.0.1" was reachable over IPv6.)
/// </summary>
public sealed class EmbeddedBrokerBindTests
{
    [Fact]
    public async Task Broker_BoundToIpv4Loopback_DoesNotListenOnIpv6()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var stack = await EmbeddedBrokerStack.StartAsync("broker_bind");
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);

        var refused = await Assert.ThrowsAsync<SocketException>(
            async () => await socket.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, stack.Broker.Port), timeout.Token));

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
