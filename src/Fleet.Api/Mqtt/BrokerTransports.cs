using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace Fleet.Api.Mqtt;

/// <summary>
/// The embedded broker's ways in, resolved from configuration once: plain TCP on <see cref="EmbeddedBrokerOptions.Port"/>
/// (also the API's own client, over loopback), TLS on <see cref="EmbeddedBrokerOptions.TlsPort"/> with Kestrel's default
/// certificate, and WebSockets at <see cref="EmbeddedBrokerOptions.WebSocketPath"/> on the API's HTTP endpoints. Every
/// one feeds the same MqttServer through <see cref="BrokerConnections"/>, so the same limits and logins hold for all.
/// </summary>
internal sealed partial class BrokerTransports(
    IOptions<MqttOptions> options,
    IConfiguration configuration,
    IHostEnvironment environment,
    BrokerWebSockets webSockets,
    TimeProvider clock,
    ILogger<BrokerTransports> logger)
{
    /// <summary>The TLS port when a certificate is configured and <see cref="EmbeddedBrokerOptions.TlsPort"/> is not set.</summary>
    public const int DefaultTlsPort = 8883;

    private readonly Lazy<BrokerCertificate?> _certificate = new(() => BrokerCertificate.FromConfiguration(configuration, environment.ContentRootPath));

    private EmbeddedBrokerOptions Embedded => options.Value.Embedded;

    /// <summary>Kestrel's default certificate, or null when none is configured.</summary>
    /// <exception cref="InvalidOperationException">It is configured but cannot be loaded.</exception>
    public BrokerCertificate? Certificate => _certificate.Value;

    /// <summary>The TLS port in effect, or null for none.</summary>
    public int? TlsPort => Embedded.TlsPort switch
    {
        null => Certificate is null ? null : DefaultTlsPort,
        0 => null,
        var port => port,
    };

    /// <summary>Every way in, for the startup rules (which are encrypted, on which address) and the log.</summary>
    public IReadOnlyList<BrokerEndpoint> Endpoints
    {
        get
        {
            var endpoints = new List<BrokerEndpoint> { new(BrokerEndpoint.Tcp, Embedded.BindAddress, Embedded.Port, null, false) };
            if (TlsPort is { } tlsPort)
            {
                endpoints.Add(new(BrokerEndpoint.Tls, Embedded.BindAddress, tlsPort, null, true));
            }

            if (webSockets.Path is { } path)
            {
                endpoints.Add(new(BrokerEndpoint.WebSocket, null, 0, path, false));
            }

            return endpoints;
        }
    }

    /// <summary>The listeners for one MqttServer, all admitting through <paramref name="connections"/>.</summary>
    public IMqttServerAdapter[] Adapters(BrokerConnections connections, BrokerRefusalLog refusals)
    {
        var adapters = new List<IMqttServerAdapter> { new BrokerListener(Embedded, connections, refusals, clock, Embedded.Port) };
        if (TlsPort is { } tlsPort)
        {
            adapters.Add(new BrokerListener(Embedded, connections, refusals, clock, tlsPort, Certificate));
        }

        if (webSockets.Path is not null)
        {
            webSockets.Attach(connections, refusals);
            adapters.Add(webSockets);
        }

        foreach (var endpoint in Endpoints)
        {
            LogEndpoint(endpoint);
        }

        return [.. adapters];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker: {Endpoint}")]
    private partial void LogEndpoint(BrokerEndpoint endpoint);
}
