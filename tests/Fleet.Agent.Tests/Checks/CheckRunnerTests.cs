using Fleet.Agent.Checks;
using Fleet.Agent.Configuration;
using Fleet.Agent.Tunnels;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tests.Checks;

public sealed class CheckRunnerTests : IDisposable
{
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromSeconds(60));

    public void Dispose() => _bound.Dispose();

    [Fact]
    public async Task UrlChange_CheckedAtOnce_NotAtTheNextInterval()
    {
        await using var first = ScriptedServer.Answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        await using var second = ScriptedServer.Answering("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        var options = Options.Create(new AgentOptions { Checks = new CheckSettings { Interval = TimeSpan.FromHours(1), Timeout = TimeSpan.FromSeconds(5) } });
        var provider = new TestProvider(Tunnel(first.Port));
        var store = new CheckStore();
        using var checker = new TunnelChecker(options, TimeProvider.System);
        using var runner = new CheckRunner(options, provider, checker, store, TimeProvider.System, NullLogger<CheckRunner>.Instance);
        await runner.StartAsync(_bound.Token);

        await Eventually.TrueAsync(() => Task.FromResult(store.Find(provider.Current.Tunnels[0]) is not null), "the first check");
        provider.Set(Tunnel(second.Port));
        var check = await Eventually.GetAsync(() => Task.FromResult(store.Find(provider.Current.Tunnels[0])), c => c is not null, "the new URL's check");
        await runner.StopAsync(CancellationToken.None);

        Assert.Equal((CheckOutcomes.Ok, 404), (check!.Outcome, check.HttpStatus));
        Assert.Equal(1, first.Connections);
    }

    private static TunnelReport Tunnel(int port) => new() { Name = "web", Url = $"http://127.0.0.1:{port}/", Proto = "http" };

    private sealed class TestProvider : TunnelProviderBase
    {
        public TestProvider(TunnelReport tunnel)
            : base("static") => Set(tunnel);

        public void Set(TunnelReport next) => Snapshot.Set(new ProviderSnapshot([next], new ProviderReport { Kind = "static", State = "running" }));

        public override Task RunAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
