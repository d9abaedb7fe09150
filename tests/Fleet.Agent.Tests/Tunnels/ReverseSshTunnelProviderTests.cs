using System.Net;
using System.Net.Sockets;
using Fleet.Agent.Configuration;
using Fleet.Agent.Tests.Logging;
using Fleet.Agent.Tunnels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tests.Tunnels;

/// <summary>The provider's own logic with a stand-in ssh (a script); the real relay is in <see cref="ReverseSshRelayTests"/>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReverseSshTunnelProviderTests
{
    [Fact]
    public void Spec_IsTheDocumentedReverseTunnel_WithKeepAliveAndExitOnForwardFailure()
    {
        var spec = ReverseSshTunnelProvider.BuildSpec(
            new ReverseSshSettings { Relay = "relay.example.org", User = "tunnel", RelayPort = 2200, RemotePort = 2222, LocalPort = 22, IdentityFile = "/etc/fleet-agent/id_ed25519" },
            "/var/lib/fleet-agent/ssh_known_hosts");

        Assert.Equal("ssh", spec.FileName);
        var args = string.Join(' ', spec.Arguments);
        Assert.Contains("-N", spec.Arguments);
        Assert.Contains("-v", spec.Arguments);
        Assert.Contains("-o ExitOnForwardFailure=yes", args, StringComparison.Ordinal);
        Assert.Contains("-o ServerAliveInterval=15", args, StringComparison.Ordinal);
        Assert.Contains("-o BatchMode=yes", args, StringComparison.Ordinal);
        Assert.Contains("-o UserKnownHostsFile=/var/lib/fleet-agent/ssh_known_hosts", args, StringComparison.Ordinal);
        Assert.Contains("-p 2200", args, StringComparison.Ordinal);
        Assert.Contains("-i /etc/fleet-agent/id_ed25519 -o IdentitiesOnly=yes", args, StringComparison.Ordinal);

        // "*": every interface of the relay, so the port is public (the relay's GatewayPorts clientspecified allows it).
        Assert.EndsWith("-R *:2222:localhost:22 tunnel@relay.example.org", args, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(22, null, null, "ssh://relay.example.org:2222", "ssh")]
    [InlineData(80, "http", null, "http://relay.example.org:2222", "http")]
    [InlineData(5000, null, null, "tcp://relay.example.org:2222", "tcp")]
    [InlineData(22, null, "tcp://ssh.example.org:22022", "tcp://ssh.example.org:22022", "tcp")]
    public void PublicUrl_NotSet_IsDerivedFromTheRelayAndTheRemotePort(int localPort, string? proto, string? publicUrl, string url, string expectedProto)
    {
        var settings = new ReverseSshSettings { Relay = "relay.example.org", RemotePort = 2222, LocalPort = localPort, Proto = proto, PublicUrl = publicUrl };

        Assert.Equal(url, settings.EffectivePublicUrl);
        Assert.Equal(expectedProto, settings.PublicUrl is null ? settings.EffectiveProto : new Uri(url).Scheme);
    }

    [Fact]
    public async Task Provider_SshRunsWithoutConfirmingTheForward_StaysStartingWithoutUrl_AndCrashedWhenItExits()
    {
        using var temp = new TempDirectory();
        var stopFile = temp.Combine("stop");

        // Runs like an ssh that connected but never got the forward: before, this alone was reported running.
        await using var ssh = Start(temp, $"while [ ! -e '{stopFile}' ]; do sleep 0.05; done\nexit 255", FreePort.Next());
        var provider = ssh.Provider;
        var states = new List<string?>();
        provider.Changed += () => { lock (states) { states.Add(provider.Current.Provider.State); } };
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(temp.Combine("log", "ssh.log")) && File.ReadAllText(temp.Combine("log", "ssh.log")).Contains("started pid", StringComparison.Ordinal)), "the stand-in started");

        Assert.Equal("starting", provider.Current.Provider.State);
        Assert.Empty(provider.Current.Tunnels);
        await File.WriteAllTextAsync(stopFile, string.Empty);
        await Eventually.TrueAsync(() => Task.FromResult(provider.Current.Provider.State == "crashed"), "crashed after the exit");
        Assert.Equal("ssh exited with code 255", provider.Current.Provider.Error);
        lock (states)
        {
            Assert.DoesNotContain("running", states);
        }

        await ssh.StopAsync();
        Assert.Equal("stopped", provider.Current.Provider.State);
    }

    [Fact]
    public async Task Provider_ForwardRefused_IsCrashedWithTheReasonInWords()
    {
        using var temp = new TempDirectory();
        await using var ssh = Start(temp, "echo 'Error: remote port forwarding failed for listen port 2222' >&2\nexit 255", 2222);
        var provider = ssh.Provider;

        await Eventually.TrueAsync(() => Task.FromResult(provider.Current.Provider.State == "crashed"), "crashed after the refusal");

        Assert.Equal(
            "the relay refused to listen on port 2222: the port is taken (by another detector or service) or this key may not listen there (permitlisten) (ssh exited with code 255)",
            provider.Current.Provider.Error);
    }

    [Fact]
    public async Task Provider_ForwardAcceptedButRelayPortSilent_StaysStartingUntilThePortAnswers()
    {
        using var temp = new TempDirectory();
        var port = FreePort.Next();
        await using var ssh = Start(temp, $"echo 'debug1: remote forward success for: listen {port}, connect localhost:22' >&2\nexec sleep 60", port);
        var provider = ssh.Provider;

        await Eventually.TrueAsync(() => Task.FromResult(provider.Current.Provider.Error?.Contains("does not answer", StringComparison.Ordinal) == true), "the probe reported the silent port");
        Assert.Equal("starting", provider.Current.Provider.State);
        Assert.Contains($"127.0.0.1:{port}", provider.Current.Provider.Error, StringComparison.Ordinal);
        Assert.Empty(provider.Current.Tunnels);

        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        await Eventually.TrueAsync(() => Task.FromResult(provider.Current.Provider.State == "running"), "running once the port answers");
        Assert.Equal($"ssh://127.0.0.1:{port}", Assert.Single(provider.Current.Tunnels).Url);
        Assert.Null(provider.Current.Provider.Error);
    }

    [Fact]
    public async Task Provider_ProbeOff_IsRunningOnceTheRelayAcceptedTheForward()
    {
        using var temp = new TempDirectory();
        var port = FreePort.Next();
        await using var ssh = Start(temp, $"echo 'debug1: remote forward success for: listen {port}, connect localhost:22' >&2\nexec sleep 60", port, probe: false);
        var provider = ssh.Provider;

        // Nothing listens on the port here: only the relay's own loopback would answer (RemoteBindAddress localhost).
        await Eventually.TrueAsync(() => Task.FromResult(provider.Current.Provider.State == "running"), "running on the relay's word");
        Assert.Equal($"ssh://127.0.0.1:{port}", Assert.Single(provider.Current.Tunnels).Url);
    }

    private static StandIn Start(TempDirectory temp, string script, int remotePort, bool probe = true)
    {
        var fakeSsh = temp.Combine("ssh");
        File.WriteAllText(fakeSsh, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(fakeSsh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = Options.Create(new AgentOptions
        {
            DetectorId = "pi-1",
            LogDirectory = temp.Combine("log"),
            StateDirectory = temp.Path,
            Provider = "reverse-ssh",
            ReverseSsh = new ReverseSshSettings
            {
                Binary = fakeSsh, Relay = "127.0.0.1", User = "tunnel", RemotePort = remotePort,
                RestartMinDelay = TimeSpan.FromSeconds(30), RestartMaxDelay = TimeSpan.FromSeconds(60),
                ProbeMinDelay = TimeSpan.FromMilliseconds(50), ProbeMaxDelay = TimeSpan.FromMilliseconds(200), Probe = probe,
            },
        });
        var provider = new ReverseSshTunnelProvider(options, TimeProvider.System, NullLoggerFactory.Instance);
        var stop = new CancellationTokenSource();
        return new StandIn(provider, stop, provider.RunAsync(stop.Token));
    }

    /// <summary>The provider running a stand-in; stopped on dispose, so a failing test leaves no script running.</summary>
    private sealed class StandIn(ReverseSshTunnelProvider provider, CancellationTokenSource stop, Task run) : IAsyncDisposable
    {
        public ReverseSshTunnelProvider Provider => provider;

        public async Task StopAsync()
        {
            await stop.CancelAsync();
            await run;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            stop.Dispose();
        }
    }
}
