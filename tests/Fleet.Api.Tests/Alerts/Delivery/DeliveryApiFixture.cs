using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>
/// The whole API on PostgreSQL with the delivery worker running and a scripted webhook sender. The worker's poll
/// interval is an hour, so whatever it delivers it was woken for: by a commit that enqueued, or by a retry.
/// </summary>
public sealed class DeliveryApiFixture : IAsyncLifetime
{
    private FleetApiFactory? _factory;
    private WebApplicationFactory<Program>? _api;

    public ScriptedSender Sender { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    public WebApplicationFactory<Program> Api => _api ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("delivery-api");
        _factory = new FleetApiFactory(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?>
            {
                ["Alerts:Delivery:PollInterval"] = "01:00:00",
                ["Logging:LogLevel:Default"] = "Trace",
            },
            LoggerProvider = Logs,
        });
        _api = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IAlertSender>(Sender)));
        _ = _api.Server;
        await Eventually.TrueAsync(() => Task.FromResult(_api.Services.GetRequiredService<Fleet.Api.Mqtt.MqttConnection>().IsReady), "the API connected to its broker");
    }

    public HttpClient Client(string? key)
    {
        var client = Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    /// <summary>Enqueues as the rules' evaluator does: in a transaction of the app's own unit of work, committed.</summary>
    public async Task EnqueueAsync(AlertNotice notice, params long[] destinationIds)
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        scope.ServiceProvider.GetRequiredService<IAlertOutbox>().Enqueue(db, notice, destinationIds);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
