using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Fleet.Api.Testing;

/// <summary>The real API (all hosted services: MQTT client, ingest, embedded broker) on a real database and broker.</summary>
public sealed class FleetApiFactory(FleetApiSettings settings) : WebApplicationFactory<Program>
{
    public FleetApiSettings Settings => settings;

    /// <summary>Starts the API in-process and waits until its MQTT client is connected (and so subscribed) to its broker.</summary>
    public static async Task<FleetApiFactory> StartAsync(FleetApiSettings settings)
    {
        var api = new FleetApiFactory(settings);
        try
        {
            await api.WaitConnectedAsync();
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server if it is not running yet and waits until the API's MQTT client is connected.</summary>
    public async Task WaitConnectedAsync()
    {
        _ = Server;
        await Eventually.TrueAsync(() => Task.FromResult(MqttConnected), "the API connected to its broker");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var values = TestApiConfiguration.Values(settings);
        foreach (var (key, value) in TestApiConfiguration.Secrets(settings))
        {
            values.TryAdd(key, value);
        }

        foreach (var (key, value) in values)
        {
            builder.UseSetting(key, value);
        }

        if (settings.LoggerProvider is { } loggerProvider)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(loggerProvider));
        }

        if (settings.Clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.RemoveAll<TimeProvider>().AddSingleton(clock));
        }

        if (settings.Services is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    public HttpClient CreateReader() => CreateWithKey(TestKeys.Reader);

    public HttpClient CreateAdmin() => CreateWithKey(TestKeys.Admin);

    public HttpClient CreateWithKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Stores a detector credential for the embedded broker, as provisioning does.</summary>
    public async Task<string> ProvisionEmbeddedDetectorAsync(string detectorId)
    {
        var password = SecretHash.NewSecret();
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        db.DetectorCredentials.Add(new DetectorCredentialRecord
        {
            DetectorId = detectorId, SecretHash = SecretHash.Sha256Hex(password), CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return password;
    }

    /// <summary>Applies a state through the API's own writer (no MQTT), for tests that only need data.</summary>
    public async Task<IngestOutcome> WriteStateAsync(StateMessage state)
    {
        await using var scope = Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<IngestWriter>();
        var outcome = await writer.ApplyStateAsync(state.DetectorId, state, CancellationToken.None);
        await RegistryHeardAsync(state.DetectorId);
        return outcome;
    }

    public async Task<IngestOutcome> WriteStatusAsync(string detectorId, StatusMessage status)
    {
        await using var scope = Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<IngestWriter>();
        var outcome = await writer.ApplyStatusAsync(detectorId, status, CancellationToken.None);
        await RegistryHeardAsync(detectorId);
        return outcome;
    }

    /// <summary>What the ingest does after its commit: the in-memory registry re-reads the detector (read-your-writes).</summary>
    public Task RegistryHeardAsync(params string[] ids) =>
        Services.GetRequiredService<Registry.IDetectorChanges>().ChangedAsync(ids, CancellationToken.None);

    /// <summary>
    /// Runs <paramref name="query"/> on the API's database, then has the in-memory registry resync: a test writing rows
    /// itself is a program writing behind the API's back, which the registry would otherwise learn of only by
    /// PostgreSQL notification (a moment later) or its periodic resync (SQLite).
    /// </summary>
    public async Task<T> WithDbAsync<T>(Func<FleetDbContext, Task<T>> query)
    {
        T result;
        await using (var scope = Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
            result = await query(db);
        }

        await Services.GetRequiredService<Registry.RegistrySync>().ResyncAsync(CancellationToken.None);
        return result;
    }

    public Task<DetectorRecord?> FindDetectorAsync(string id) =>
        WithDbAsync(db => db.Detectors.AsNoTracking().Include(d => d.Tunnels).SingleOrDefaultAsync(d => d.Id == id));

    public IngestMetrics Metrics => Services.GetRequiredService<IngestMetrics>();

    public bool MqttConnected => Services.GetRequiredService<Mqtt.MqttConnection>().IsReady;
}
