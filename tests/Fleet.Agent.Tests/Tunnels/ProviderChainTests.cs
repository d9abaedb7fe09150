using Fleet.Agent.Configuration;
using Fleet.Agent.Ngrok;
using Fleet.Agent.Tests.Ngrok;
using Fleet.Agent.Tunnels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tests.Tunnels;

/// <summary>
/// The failover chain over real providers: the stand-in ngrok run by the agent's own ngrok provider (a wrapper script
/// hands it its control file), then the static provider. What the chain's snapshot says is what the state publishes.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProviderChainTests : IDisposable
{
    private const string Authtoken = "2abcDEFfakeTokenForTests_0123456789";
    private const string StaticUrl = "https://pi-1.example.net";

    private readonly CancellationTokenSource _bound = new(TimeSpan.FromMinutes(2));
    private readonly string _directory = Directory.CreateTempSubdirectory("fleet-chain-").FullName;

    private CancellationToken Ct => _bound.Token;

    private string ControlPath => Path.Combine(_directory, "control.json");

    public void Dispose()
    {
        _bound.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Chain_NgrokSessionLimit_SwitchesToTheNextProviderAndBackWhenTheErrorClears()
    {
        await WriteControlAsync("""{"error": "ERR_NGROK_108"}""");
        var options = Options();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var chain = new ProviderChain(
            options.Value.EffectiveProviders,
            kind => kind == "ngrok"
                ? new NgrokTunnelProvider(options, TimeProvider.System, NullLoggerFactory.Instance)
                : new StaticTunnelProvider(options),
            options.Value.Failover,
            NgrokAccount.Of(options.Value.Ngrok),
            TimeProvider.System,
            NullLogger<ProviderChain>.Instance);
        var run = chain.RunAsync(stop.Token);

        var failedOver = await WaitForAsync(chain, s => s.Provider.Kind == "static" && s.Provider.State == "running", "failover to static");
        Assert.Equal("failover: ERR_NGROK_108", failedOver.Provider.Reason);
        Assert.Equal(StaticUrl, Assert.Single(failedOver.Tunnels).Url);
        Assert.NotNull(failedOver.Provider.Since);
        Assert.Equal(NgrokAccount.Fingerprint(Authtoken), failedOver.Provider.NgrokAccount);
        Assert.Matches("^sha256:[0-9a-f]{16}$", failedOver.Provider.NgrokAccount);

        // The preferred provider is retried on its backoff; once ngrok's error clears the chain stays on it.
        await WriteControlAsync("{}");
        var back = await WaitForAsync(chain, s => s.Provider.Kind == "ngrok" && s.Provider.State == "running", "back on ngrok");
        Assert.Equal(FailoverPolicy.Preferred, back.Provider.Reason);
        Assert.Contains(".ngrok-free.app", Assert.Single(back.Tunnels).Url, StringComparison.Ordinal);
        Assert.True(back.Provider.Since > failedOver.Provider.Since);

        await stop.CancelAsync();
        await run;
        Assert.DoesNotContain(Authtoken, File.ReadAllText(Path.Combine(_directory, "log", "ngrok.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chain_SingleProvider_PublishesItAsPreferred()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new AgentOptions
        {
            DetectorId = "pi-1",
            Provider = "static",
            Static = new StaticSettings { Tunnels = [new StaticTunnel { Name = "web", Url = StaticUrl }] },
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var chain = new ProviderChain(
            options.Value.EffectiveProviders, _ => new StaticTunnelProvider(options), options.Value.Failover, null, TimeProvider.System, NullLogger<ProviderChain>.Instance);
        var run = chain.RunAsync(stop.Token);

        var running = await WaitForAsync(chain, s => s.Provider.State == "running", "running");

        Assert.Equal("static", running.Provider.Kind);
        Assert.Equal(FailoverPolicy.Preferred, running.Provider.Reason);
        Assert.Null(running.Provider.NgrokAccount);
        await stop.CancelAsync();
        await run;
    }

    private IOptions<AgentOptions> Options()
    {
        var wrapper = Path.Combine(_directory, "ngrok");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexport FAKE_NGROK_CONTROL='{ControlPath}'\nexec '{FakeNgrokProcess.BinaryPath}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = Path.Combine(_directory, "ngrok.yml");
        File.WriteAllText(config, $"version: 2\nweb_addr: 127.0.0.1:{FreePort.Next()}\nauthtoken: {Authtoken}\ntunnels:\n  web:\n    proto: http\n    addr: 8080\n");
        return Microsoft.Extensions.Options.Options.Create(new AgentOptions
        {
            DetectorId = "pi-1",
            Providers = ["ngrok", "static"],
            StateDirectory = _directory,
            LogDirectory = Path.Combine(_directory, "log"),
            Ngrok = new NgrokSettings
            {
                Binary = wrapper,
                ConfigFiles = [config],
                PollInterval = TimeSpan.FromMilliseconds(500),
                RestartMinDelay = TimeSpan.FromMilliseconds(100),
                RestartMaxDelay = TimeSpan.FromMilliseconds(200),
            },
            Static = new StaticSettings { Tunnels = [new StaticTunnel { Name = "web", Url = StaticUrl }] },
            Failover = new FailoverSettings
            {
                RetryPreferredAfter = TimeSpan.FromSeconds(1),
                RetryPreferredMax = TimeSpan.FromSeconds(2),
                TrialTimeout = TimeSpan.FromSeconds(30),
            },
        });
    }

    private async Task WriteControlAsync(string json)
    {
        var temp = ControlPath + ".tmp";
        await File.WriteAllTextAsync(temp, json, Ct);
        File.Move(temp, ControlPath, overwrite: true);
    }

    private static Task<ProviderSnapshot> WaitForAsync(ProviderChain chain, Func<ProviderSnapshot, bool> done, string what) =>
        Eventually.GetAsync(() => Task.FromResult(chain.Current), done, what, TimeSpan.FromSeconds(60));
}
