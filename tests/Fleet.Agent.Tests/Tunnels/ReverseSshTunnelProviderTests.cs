using Fleet.Agent.Configuration;
using Fleet.Agent.Tests.Logging;
using Fleet.Agent.Tunnels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tests.Tunnels;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReverseSshTunnelProviderTests
{
    [Fact]
    public void Spec_IsTheDocumentedReverseTunnel_WithKeepAliveAndExitOnForwardFailure()
    {
        var spec = ReverseSshTunnelProvider.BuildSpec(new ReverseSshSettings
        {
            Relay = "relay.example.org", User = "tunnel", RelayPort = 2200, RemotePort = 2222, LocalPort = 22, IdentityFile = "/etc/fleet-agent/id_ed25519",
        });

        Assert.Equal("ssh", spec.FileName);
        var args = string.Join(' ', spec.Arguments);
        Assert.Contains("-N", spec.Arguments);
        Assert.Contains("-o ExitOnForwardFailure=yes", args, StringComparison.Ordinal);
        Assert.Contains("-o ServerAliveInterval=15", args, StringComparison.Ordinal);
        Assert.Contains("-o BatchMode=yes", args, StringComparison.Ordinal);
        Assert.Contains("-p 2200", args, StringComparison.Ordinal);
        Assert.Contains("-i /etc/fleet-agent/id_ed25519", args, StringComparison.Ordinal);
        Assert.EndsWith("-R 2222:localhost:22 tunnel@relay.example.org", args, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_ReportsTheUrlWhileSshRuns_AndCrashedWithoutUrlWhenItExits()
    {
        using var temp = new TempDirectory();
        var stopFile = temp.Combine("stop");
        var fakeSsh = temp.Combine("ssh");

        // Stands in for ssh: runs until the test creates the stop file, then exits like a dropped forward.
        await File.WriteAllTextAsync(fakeSsh, $"#!/bin/sh\nwhile [ ! -e '{stopFile}' ]; do sleep 0.05; done\nexit 255\n");
        File.SetUnixFileMode(fakeSsh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = Options.Create(new AgentOptions
        {
            DetectorId = "pi-1",
            LogDirectory = temp.Combine("log"),
            Provider = "reverse-ssh",
            ReverseSsh = new ReverseSshSettings
            {
                Binary = fakeSsh, Relay = "relay.example.org", User = "tunnel", RemotePort = 2222,
                PublicUrl = "ssh://relay.example.org:2222", RestartMinDelay = TimeSpan.FromSeconds(30), RestartMaxDelay = TimeSpan.FromSeconds(60),
            },
        });
        var provider = new ReverseSshTunnelProvider(options, TimeProvider.System, NullLoggerFactory.Instance);
        using var cts = new CancellationTokenSource();
        var run = provider.RunAsync(cts.Token);

        await WaitAsync(() => provider.Current.Provider.State == "running");
        var tunnel = Assert.Single(provider.Current.Tunnels);
        Assert.Equal("ssh://relay.example.org:2222", tunnel.Url);
        Assert.Equal("ssh", tunnel.Proto);

        await File.WriteAllTextAsync(stopFile, string.Empty);
        await WaitAsync(() => provider.Current.Provider.State == "crashed");
        Assert.Empty(provider.Current.Tunnels);
        Assert.Equal("ssh exited with code 255", provider.Current.Provider.Error);

        await cts.CancelAsync();
        await run;
        Assert.Equal("stopped", provider.Current.Provider.State);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            await Task.Delay(50);
        }
    }
}
