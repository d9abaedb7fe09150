using Fleet.Agent.Configuration;
using Fleet.Agent.Tunnels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tests.Cloudflared;

/// <summary>A <see cref="CloudflaredTunnelProvider"/> running against the stand-in until disposed.</summary>
internal sealed class ProviderRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public ProviderRun(FakeCloudflared fake, CloudflaredSettings settings, TimeProvider clock)
    {
        LogDirectory = Path.Combine(fake.Directory, "log");
        var options = Options.Create(new AgentOptions
        {
            DetectorId = "pi-1",
            Provider = "cloudflared",
            StateDirectory = fake.Directory,
            LogDirectory = LogDirectory,
            Cloudflared = settings,
        });
        Provider = new CloudflaredTunnelProvider(options, clock, NullLoggerFactory.Instance);
        _run = Provider.RunAsync(_stop.Token);
    }

    public CloudflaredTunnelProvider Provider { get; }

    public string LogDirectory { get; }

    public ProviderSnapshot Current => Provider.Current;

    /// <summary>Waits until the provider's snapshot satisfies <paramref name="done"/>, and returns that snapshot.</summary>
    public Task<ProviderSnapshot> WaitForAsync(Func<ProviderSnapshot, bool> done, string what) =>
        Eventually.GetAsync(() => Task.FromResult(Provider.Current), done, what, TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }
}
