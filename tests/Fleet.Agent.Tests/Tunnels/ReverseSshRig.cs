using Fleet.Agent.Configuration;
using Fleet.Agent.Tests.Logging;
using Fleet.Agent.Tunnels;
using Fleet.Domain.Messages;
using Fleet.Testing.Ssh;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tests.Tunnels;

/// <summary>
/// A real relay (sshd), the "Pi's" local service (a TCP echo) and a client key; runs the agent's reverse-ssh provider
/// against them and records every snapshot it publishes.
/// </summary>
internal sealed class ReverseSshRig : IAsyncDisposable
{
    private readonly TempDirectory temp;
    private readonly List<(ITunnelProvider Provider, CancellationTokenSource Stop, Task Run)> running = [];

    private ReverseSshRig(TempDirectory temp, SshRelay relay, TcpEcho echo, SshKey key)
    {
        this.temp = temp;
        Relay = relay;
        Echo = echo;
        Key = key;
    }

    public SshRelay Relay { get; }

    public TcpEcho Echo { get; }

    public SshKey Key { get; }

    public string KnownHosts => temp.Combine("known_hosts");

    public static async Task<ReverseSshRig> StartAsync(string? authorizedKeysFile = null, string? configTail = null, CancellationToken ct = default)
    {
        var temp = new TempDirectory();
        var relay = await SshRelay.StartAsync(authorizedKeysFile, configTail, ct);
        var key = await SshRelay.CreateKeyAsync(temp.Path, "pi_ed25519", ct);
        await relay.WriteKnownHostsAsync(temp.Combine("known_hosts"), ct);
        return new ReverseSshRig(temp, relay, new TcpEcho(), key);
    }

    /// <summary>The relay key options infra/relay/install.sh add-key writes, for tests that authorise a key by hand.</summary>
    public static string KeyOptions(int port) => $"restrict,port-forwarding,permitlisten=\"{port}\",command=\"/bin/false\"";

    public ReverseSshSettings Settings(int remotePort, SshKey? key = null) => new()
    {
        Relay = Relay.Host,
        RelayPort = Relay.Port,
        User = Relay.User,
        RemotePort = remotePort,

        // Loopback on the relay too: the tests never open a port on every interface.
        RemoteBindAddress = Relay.Host,
        LocalPort = Echo.Port,
        Proto = "tcp",
        IdentityFile = (key ?? Key).PrivateKeyFile,
        KnownHostsFile = KnownHosts,
        RestartMinDelay = TimeSpan.FromMilliseconds(200),
        RestartMaxDelay = TimeSpan.FromSeconds(1),
        ProbeMinDelay = TimeSpan.FromMilliseconds(100),
        ProbeMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>Starts the provider; <paramref name="onChange"/> sees every snapshot as it is published.</summary>
    public ITunnelProvider Run(ReverseSshSettings settings, Action<ProviderSnapshot>? onChange = null)
    {
        var options = Options.Create(new AgentOptions
        {
            DetectorId = "pi-1",
            LogDirectory = temp.Combine("log"),
            StateDirectory = temp.Path,
            Provider = "reverse-ssh",
            ReverseSsh = settings,
        });
        var provider = new ReverseSshTunnelProvider(options, TimeProvider.System, NullLoggerFactory.Instance);
        if (onChange is not null)
        {
            provider.Changed += () => onChange(provider.Current);
        }

        var stop = new CancellationTokenSource();
        running.Add((provider, stop, provider.RunAsync(stop.Token)));
        return provider;
    }

    public string SshLog => File.Exists(temp.Combine("log", "ssh.log")) ? File.ReadAllText(temp.Combine("log", "ssh.log")) : "(no ssh.log)";

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, stop, run) in running)
        {
            await stop.CancelAsync();
            await run;
            stop.Dispose();
        }

        await Echo.DisposeAsync();
        await Relay.DisposeAsync();
        temp.Dispose();
    }
}
