using Fleet.Api.Auth;
using MQTTnet;
using MQTTnet.Formatter;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// The API in-process with its embedded broker on a real TCP port, its own PostgreSQL database, one monitor account
/// and the broker settings a test class gives; every log line is captured.
/// </summary>
internal sealed class EmbeddedBrokerStack : IAsyncDisposable
{
    private EmbeddedBrokerStack(FleetApiFactory api, CapturingLoggerProvider logs, string monitorPassword)
    {
        Api = api;
        Logs = logs;
        MonitorPassword = monitorPassword;
    }

    public FleetApiFactory Api { get; }

    public CapturingLoggerProvider Logs { get; }

    public string MonitorPassword { get; }

    public BrokerSettings Broker => Api.Settings.Broker;

    public static async Task<EmbeddedBrokerStack> StartAsync(string database, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var connectionString = await MigratedDatabase.CreateAsync(database);
        var monitorPassword = SecretHash.NewSecret();
        var extra = new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:Monitors:0:Username"] = "monitor",
            ["Mqtt:Embedded:Monitors:0:Password"] = monitorPassword,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            extra[key] = value;
        }

        var logs = new CapturingLoggerProvider();
        var api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()) { Extra = extra, LoggerProvider = logs });
        return new EmbeddedBrokerStack(api, logs, monitorPassword);
    }

    /// <summary>A raw MQTT 5 client (the caller checks the CONNACK): persistent session unless <paramref name="cleanStart"/>.</summary>
    public async Task<(IMqttClient Client, MqttClientConnectResult Result)> ConnectAsync(
        string username, string password, string clientId, bool cleanStart = false, CancellationToken ct = default)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(Broker.Host, Broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCredentials(username, password)
            .WithClientId(clientId)
            .WithCleanStart(cleanStart)
            .WithSessionExpiryInterval(cleanStart ? 0u : 3600u)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        var result = await client.ConnectAsync(options, ct);
        return (client, result);
    }

    public async ValueTask DisposeAsync() => await Api.DisposeAsync();
}
