using System.Globalization;
using System.Net.WebSockets;
using Fleet.Testing.Tls;
using Microsoft.AspNetCore.Mvc.Testing;
using MQTTnet;
using MQTTnet.Formatter;

namespace Fleet.Api.Tests.Mqtt;

/// <summary>
/// One API on Kestrel over HTTPS with a certificate from a throwaway CA, given the way an operator gives it
/// (<c>Kestrel:Certificates:Default:Path</c>/<c>KeyPath</c>), its embedded broker on TLS and WebSockets too.
/// </summary>
public sealed class EmbeddedBrokerTransportsFixture : IAsyncLifetime
{
    private string _directory = string.Empty;

    public TestCertificateAuthority Ca { get; } = TestCertificateAuthority.Create();

    public FleetApiFactory Api { get; private set; } = null!;

    public int HttpsPort { get; } = FreePort.Next();

    public int TlsPort { get; } = FreePort.Next();

    public Uri WebSocketUri => new($"wss://127.0.0.1:{HttpsPort}/mqtt");

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("fleet-broker-tls-").FullName;
        var (certificate, key) = Ca.IssueServerPem(_directory);
        var database = await MigratedDatabase.CreateAsync("broker_transports");
        Api = new FleetApiFactory(new FleetApiSettings(database, BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?>
            {
                ["urls"] = $"https://127.0.0.1:{HttpsPort}",
                ["Kestrel:Certificates:Default:Path"] = certificate,
                ["Kestrel:Certificates:Default:KeyPath"] = key,
                ["Mqtt:Embedded:TlsPort"] = TlsPort.ToString(CultureInfo.InvariantCulture),
                ["Mqtt:Embedded:ConnectTimeout"] = "00:00:01",
            },
        });
        Api.UseKestrel();
        Api.StartServer();
        await Eventually.TrueAsync(() => Task.FromResult(Api.MqttConnected), "the API connected to its broker");
    }

    /// <summary>An operator's HTTPS client that trusts only the test CA, with the reader key.</summary>
    public HttpClient CreateReader()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Ca.Trusts(certificate, errors);
        var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{HttpsPort}") };
        http.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Reader);
        return http;
    }

    /// <summary>A detector's MQTT 5 options over TLS (<paramref name="webSocket"/> false) or wss, trusting <paramref name="ca"/>.</summary>
    public MqttClientOptions DetectorOptions(string id, string password, bool webSocket, TestCertificateAuthority? ca = null)
    {
        var trusted = ca ?? Ca;
        var builder = new MqttClientOptionsBuilder()
            .WithClientId(id)
            .WithCredentials(id, password)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithTlsOptions(tls => tls.UseTls().WithCertificateValidationHandler(e => trusted.Trusts(e.Certificate, e.SslPolicyErrors)));
        builder = webSocket
            ? builder.WithWebSocketServer(ws => ws.WithUri(WebSocketUri.ToString()))
            : builder.WithTcpServer("127.0.0.1", TlsPort);
        return builder.Build();
    }

    /// <summary>A bare WebSocket to the MQTT path (optionally without the subprotocol), trusting the test CA.</summary>
    public ClientWebSocket CreateWebSocket(bool withSubProtocol)
    {
        var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Ca.Trusts(certificate, errors);
        socket.Options.CollectHttpResponseDetails = true;
        if (withSubProtocol)
        {
            socket.Options.AddSubProtocol("mqtt");
        }

        return socket;
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        Ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
