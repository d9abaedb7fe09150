using Fleet.Benchmarks.Infrastructure;

namespace Fleet.Benchmarks;

/// <summary>What every scenario shares: the servers, the simulator, the provisioned credentials, the work directory.</summary>
internal sealed class BenchContext(BenchSettings settings, string work, BenchDatabase database, BenchBroker broker, SimCli sim)
{
    public const string FleetDatabase = "fleet";
    public const string CeilingDatabase = "fleet_ceiling";

    private long _epoch = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public BenchSettings Settings { get; } = settings;

    public string Work { get; } = work;

    public BenchDatabase Database { get; } = database;

    public BenchBroker Broker { get; } = broker;

    public SimCli Sim { get; } = sim;

    public ApiServer? Api { get; set; }

    /// <summary>The credentials file written by provision-many (id,password lines).</summary>
    public string CredentialsFile => Path.Combine(Work, "credentials.csv");

    public string FleetConnectionString => Database.ConnectionString(FleetDatabase);

    public ApiServer RequireApi() => Api ?? throw new InvalidOperationException("the API is not running (it failed to start earlier)");

    /// <summary>A credentials file with the first <paramref name="count"/> detectors, for a simulator run of that size.</summary>
    public string CredentialsFor(int count)
    {
        var path = Path.Combine(Work, $"credentials-{count}.csv");
        if (!File.Exists(path))
        {
            File.WriteAllLines(path, File.ReadLines(CredentialsFile).Take(count));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }

    /// <summary>The last provisioned credential: kept out of every simulator run for the freshness probe.</summary>
    public (string Id, string Password) ProbeCredential()
    {
        var line = File.ReadLines(CredentialsFile).Last(l => l.Contains(',', StringComparison.Ordinal));
        var parts = line.Split(',', 2);
        return (parts[0].Trim(), parts[1].Trim());
    }

    /// <summary>Epochs only grow across the whole benchmark, so every simulator run is newer than the last.</summary>
    public long NextEpochBase() => Interlocked.Add(ref _epoch, 1_000_000);

    public string[] SimConnection(int count) =>
        ["--host", "127.0.0.1", "--port", Broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--credentials", CredentialsFor(count)];
}
