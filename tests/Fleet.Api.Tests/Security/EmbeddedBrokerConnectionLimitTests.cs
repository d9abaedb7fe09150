namespace Fleet.Api.Tests.Security;

/// <summary>
/// Issue 11, finding 2: connections to the embedded broker are bounded in number (in all, and per remote address while
/// not logged in) and in time before their CONNECT is accepted. Each test has its own API, so counts do not leak.
/// Loopback addresses other than 127.0.0.1 stand for distinct remote hosts.
/// </summary>
public sealed class EmbeddedBrokerConnectionLimitTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Connection_BeyondMaxConnections_TakesTheOldestSilentOnesPlace_AndTheApiStillReconnects()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var stack = await EmbeddedBrokerStack.StartAsync("broker_max_connections", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:MaxConnections"] = "4",
            ["Mqtt:Embedded:ConnectTimeout"] = "00:02:00",
        });

        // The API's own client holds one of the four; three silent connections (distinct addresses) fill the rest.
        var silent = new List<RawMqttConnection>();
        try
        {
            for (var i = 2; i <= 4; i++)
            {
                silent.Add(await RawMqttConnection.OpenAsync(stack.Broker.Port, $"127.0.0.{i}", ct));
            }

            using var newcomer = await RawMqttConnection.OpenAsync(stack.Broker.Port, "127.0.0.5", ct);

            Assert.True(await silent[0].WaitClosedAsync(Bound, ct), "the oldest silent connection makes room");
            Assert.Equal(0, await newcomer.LoginAsync("cap-monitor", "monitor", stack.MonitorPassword, ct));
        }
        finally
        {
            silent.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Connection_BeyondMaxConnections_WhenEveryOneHasLoggedIn_IsClosed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var stack = await EmbeddedBrokerStack.StartAsync("broker_max_logged_in", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:MaxConnections"] = "3",
            ["Mqtt:Embedded:ConnectTimeout"] = "00:02:00",
        });

        using var first = await RawMqttConnection.OpenAsync(stack.Broker.Port, "127.0.0.2", ct);
        using var second = await RawMqttConnection.OpenAsync(stack.Broker.Port, "127.0.0.3", ct);
        Assert.Equal(0, await first.LoginAsync("full-1", "monitor", stack.MonitorPassword, ct));
        Assert.Equal(0, await second.LoginAsync("full-2", "monitor", stack.MonitorPassword, ct));

        using var beyond = await RawMqttConnection.OpenAsync(stack.Broker.Port, "127.0.0.4", ct);

        Assert.True(await beyond.WaitClosedAsync(Bound, ct), "with every slot logged in, the new connection is closed");
        Assert.False(await first.WaitClosedAsync(TimeSpan.FromMilliseconds(200), ct), "a logged-in connection is never evicted");
    }

    [Fact]
    public async Task Address_BeyondMaxConnectionsPerAddress_IsClosed_AndOtherAddressesAreNot()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var stack = await EmbeddedBrokerStack.StartAsync("broker_per_address", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:MaxConnectionsPerAddress"] = "2",
            ["Mqtt:Embedded:ConnectTimeout"] = "00:02:00",
        });

        using var first = await RawMqttConnection.OpenAsync(stack.Broker.Port, "127.0.0.2", ct);
        using var second = await RawMqttConnection.OpenAsync(stack.Broker.Port, "127.0.0.2", ct);
        using var third = await RawMqttConnection.OpenAsync(stack.Broker.Port, "127.0.0.2", ct);
        using var elsewhere = await RawMqttConnection.OpenAsync(stack.Broker.Port, "127.0.0.3", ct);

        Assert.True(await third.WaitClosedAsync(Bound, ct), "the third connection from one address is closed");
        Assert.Equal(0, await elsewhere.LoginAsync("other-address", "monitor", stack.MonitorPassword, ct));
        Assert.Equal(0, await first.LoginAsync("first-of-two", "monitor", stack.MonitorPassword, ct));
    }

    [Fact]
    public async Task SilentConnection_IsClosedAfterConnectTimeout()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var stack = await EmbeddedBrokerStack.StartAsync("broker_connect_deadline", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:ConnectTimeout"] = "00:00:01",
        });

        using var silent = await RawMqttConnection.OpenAsync(stack.Broker.Port, "127.0.0.2", ct);

        // MQTTnet's own wait for a CONNECT is 100 s; the bound is far below it and far above the configured second.
        Assert.True(await silent.WaitClosedAsync(Bound, ct), "the silent connection is closed");
    }
}
