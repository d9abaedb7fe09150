
namespace Fleet.Api.SystemTests.Faults.Support;

/// <summary>
/// What a broker/database/API fault test runs on: its own Mosquitto, its own database on the shared PostgreSQL
/// server (or a connection string the test brings, e.g. a cluster it will stop), and API processes it starts.
/// </summary>
internal sealed class FaultStack : IAsyncDisposable
{
    private readonly List<ApiProcess> _apis = [];

    private FaultStack(MosquittoBroker broker, string connectionString)
    {
        Broker = broker;
        ConnectionString = connectionString;
    }

    public MosquittoBroker Broker { get; }

    public string ConnectionString { get; }

    public static async Task<FaultStack> StartAsync(string prefix, MosquittoBrokerOptions? broker = null, string? connectionString = null, CancellationToken ct = default)
    {
        connectionString ??= await MigratedDatabase.CreateAsync(prefix, ct);
        var mosquitto = await MosquittoBroker.StartAsync(broker ?? new MosquittoBrokerOptions(), ct);
        return new FaultStack(mosquitto, connectionString);
    }

    /// <summary>
    /// Starts an API process and waits until it is ready. <paramref name="second"/> uses the broker's second API
    /// identity (`api-2`): with use_username_as_clientid, two processes as `api` would take over each other's session.
    /// </summary>
    public async Task<ApiProcess> StartApiAsync(string name = "api", bool second = false, IReadOnlyDictionary<string, string?>? extra = null, CancellationToken ct = default)
    {
        var broker = second ? BrokerSettings.ForSecondApiOnMosquitto(Broker) : BrokerSettings.ForMosquitto(Broker) with { ClientId = "api" };
        var settings = new FleetApiSettings(ConnectionString, broker) { Extra = extra ?? new Dictionary<string, string?>() };
        var api = await ApiProcess.StartAsync(settings, name, ct);
        _apis.Add(api);
        await api.WaitReadyAsync(ct: ct);
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var api in _apis)
        {
            await api.DisposeAsync();
        }

        await Broker.DisposeAsync();
    }
}
