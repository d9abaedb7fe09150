using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Fleet.Agent.Tunnels;

namespace Fleet.Agent.Tests.Tunnels;

/// <summary>The reverse-ssh provider against a real OpenSSH relay (Debian's sshd, started by the test on loopback).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReverseSshRelayTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Provider_ForwardUp_IsRunningWithTheRelayUrlOnlyOnceTheRelayPortReachesTheLocalService()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var rig = await ReverseSshRig.StartAsync(ct: cts.Token);
        var port = FreePort.Next();
        await rig.Relay.AuthorizeAsync(rig.Key, ReverseSshRig.KeyOptions(port), cts.Token);

        // Checked at the moment the provider says running, not later: by then the port must already lead to the Pi.
        var answeredWhenRunning = new ConcurrentQueue<bool>();
        var provider = rig.Run(rig.Settings(port), snapshot =>
        {
            if (snapshot.Provider.State == "running")
            {
                answeredWhenRunning.Enqueue(Connects(port));
            }
        });

        await WaitForStateAsync(provider, "running", rig);
        var tunnel = Assert.Single(provider.Current.Tunnels);
        Assert.Equal($"tcp://127.0.0.1:{port}", tunnel.Url);
        Assert.Equal("tcp", tunnel.Proto);
        Assert.Null(provider.Current.Provider.Error);
        Assert.All(answeredWhenRunning, Assert.True);
        Assert.Equal("ping through the relay", await TcpEcho.RoundTripAsync("127.0.0.1", port, "ping through the relay", cts.Token));
    }

    [Fact]
    public async Task Provider_RemotePortTakenOnTheRelay_ReportsTheRefusalInWordsAndRetries()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var rig = await ReverseSshRig.StartAsync(ct: cts.Token);
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await rig.Relay.AuthorizeAsync(rig.Key, ReverseSshRig.KeyOptions(port), cts.Token);
        var states = new ConcurrentQueue<string?>();

        var provider = rig.Run(rig.Settings(port), snapshot => states.Enqueue(snapshot.Provider.State));

        await Eventually.TrueAsync(() => Task.FromResult(provider.Current.Provider.Restarts >= 2), $"ssh retried after the refusal; ssh.log: {rig.SshLog}");
        var report = provider.Current.Provider;
        Assert.Contains($"the relay refused to listen on port {port}", report.Error ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("running", states);
        Assert.Empty(provider.Current.Tunnels);
    }

    [Fact]
    public async Task Provider_KeyRestrictedToPortA_CannotListenOnPortB()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var rig = await ReverseSshRig.StartAsync(ct: cts.Token);
        var allowed = FreePort.Next();
        var other = FreePort.Next();
        await rig.Relay.AuthorizeAsync(rig.Key, ReverseSshRig.KeyOptions(allowed), cts.Token);

        var provider = rig.Run(rig.Settings(other));

        await WaitForStateAsync(provider, "crashed", rig);
        Assert.Contains($"the relay refused to listen on port {other}", provider.Current.Provider.Error ?? string.Empty, StringComparison.Ordinal);
        Assert.False(Connects(other), $"nothing may listen on port {other}");
    }

    [Fact]
    public async Task Provider_RelayRestarted_ReconnectsAndIsRunningAgain()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var rig = await ReverseSshRig.StartAsync(ct: cts.Token);
        var port = FreePort.Next();
        await rig.Relay.AuthorizeAsync(rig.Key, ReverseSshRig.KeyOptions(port), cts.Token);
        var provider = rig.Run(rig.Settings(port));
        await WaitForStateAsync(provider, "running", rig);
        var restartsBefore = provider.Current.Provider.Restarts;

        await rig.Relay.KillAsync();
        await Eventually.TrueAsync(() => Task.FromResult(provider.Current.Provider.State != "running"), "the provider noticed the relay went away");
        Assert.Empty(provider.Current.Tunnels);
        await rig.Relay.StartAgainAsync(cts.Token);

        await WaitForStateAsync(provider, "running", rig);
        Assert.True(provider.Current.Provider.Restarts > restartsBefore);
        Assert.Equal("back again", await TcpEcho.RoundTripAsync("127.0.0.1", port, "back again", cts.Token));
    }

    internal static Task WaitForStateAsync(ITunnelProvider provider, string state, ReverseSshRig rig) =>
        Eventually.TrueAsync(
            () => Task.FromResult(provider.Current.Provider.State == state),
            $"provider state {state} (now {provider.Current.Provider.State}, error: {provider.Current.Provider.Error}); ssh.log: {rig.SshLog}; sshd: {rig.Relay.Output}");

    private static bool Connects(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
