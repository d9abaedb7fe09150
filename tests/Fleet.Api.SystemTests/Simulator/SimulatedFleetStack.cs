
namespace Fleet.Api.SystemTests.Simulator;

/// <summary>
/// What a simulated fleet runs against: its own Mosquitto (the shipped ACL), its own database on the shared PostgreSQL
/// server, the API in-process connected to both, and a temp folder for credentials and fleet-sim's output.
/// </summary>
internal sealed class SimulatedFleetStack : IAsyncDisposable
{
    private SimulatedFleetStack(MosquittoBroker broker, FleetApiFactory api, string connectionString, string directory)
    {
        Broker = broker;
        Api = api;
        ConnectionString = connectionString;
        Directory = directory;
    }

    public MosquittoBroker Broker { get; }

    public FleetApiFactory Api { get; }

    public string ConnectionString { get; }

    public string Directory { get; }

    public static async Task<SimulatedFleetStack> StartAsync(string database, string directoryPrefix)
    {
        var connectionString = await MigratedDatabase.CreateAsync(database);
        var broker = await MosquittoBroker.StartAsync();
        var directory = System.IO.Directory.CreateTempSubdirectory(directoryPrefix).FullName;
        var api = new FleetApiFactory(new FleetApiSettings(connectionString, BrokerSettings.ForMosquitto(broker)));
        var stack = new SimulatedFleetStack(broker, api, connectionString, directory);
        try
        {
            await api.WaitConnectedAsync();
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Broker.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
