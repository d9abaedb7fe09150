namespace Fleet.Cli.Tests;

/// <summary>One API and one logged-in config home per test class.</summary>
public sealed class CliApiFixture : IAsyncLifetime
{
    private CliApi? api;

    public CliApi Api => api ?? throw new InvalidOperationException("the fixture has not started");

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        api = await CliApi.StartAsync(cts.Token);
    }

    public async Task DisposeAsync()
    {
        if (api is not null)
        {
            await api.DisposeAsync();
        }
    }
}
