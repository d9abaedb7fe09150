using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using Fleet.Domain.Topics;

using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Api.SystemTests.Deployment;

/// <summary>
/// The compose deployment's front door without Docker: the shipped Caddyfile in a real Caddy (tls internal, its own
/// CA) in front of the API as a process and a Mosquitto with the websockets listener, everything on loopback.
/// Operators reach the API over HTTPS; a detector reaches the broker over wss://…/mqtt on the same port.
/// </summary>
public sealed class CaddyInFrontTests(CaddyInFrontTests.FrontDoor stack) : IClassFixture<CaddyInFrontTests.FrontDoor>
{
    // xunit 2 gives tests no token of their own: each test bounds itself.
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Https_ReaderKeyThroughCaddy_ListsDetectors()
    {
        using CancellationTokenSource timeout = new(TestTimeout);
        using HttpClient http = stack.CreateHttpsClient(trustCaddy: true);
        http.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Reader);

        using HttpResponseMessage response = await http.GetAsync(new Uri("/detectors", UriKind.Relative), timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token)).RootElement.ValueKind);
    }

    [Fact]
    public async Task Https_ClientNotTrustingCaddysRoot_IsRefused()
    {
        using CancellationTokenSource timeout = new(TestTimeout);
        using HttpClient http = stack.CreateHttpsClient(trustCaddy: false);

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("/health/live", UriKind.Relative), timeout.Token));
    }

    [Fact]
    public async Task Wss_DetectorThroughCaddy_PublishesSubscribesAndTheApiListsIt()
    {
        using CancellationTokenSource timeout = new(TestTimeout);
        CancellationToken ct = timeout.Token;
        string id = Messages.NewId("pi-wss");
        string password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await stack.Broker.AddUserAsync(id, password, ct);

        using IMqttClient client = new MqttClientFactory().CreateMqttClient();
        TaskCompletionSource<string> echoed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            echoed.TrySetResult(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        MqttClientOptions options = new MqttClientOptionsBuilder()
            .WithWebSocketServer(o => o.WithUri(new Uri(stack.Caddy.BaseAddress, "mqtt").ToString().Replace("https://", "wss://", StringComparison.Ordinal)))
            .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(e => stack.Caddy.TrustsOnlyCaddysRoot(e.Certificate, e.Chain, e.SslPolicyErrors)))
            .WithCredentials(id, password)
            .WithClientId(id)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();

        MqttClientConnectResult connected = await client.ConnectAsync(options, ct);
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);

        // Its own state is the one topic a detector may both write and read (epoch recovery): the round trip
        // proves both directions through Caddy.
        await client.SubscribeAsync(FleetTopics.State(id), MqttQualityOfServiceLevel.AtLeastOnce, ct);
        string state = Messages.Json(Messages.State(id, 1, 0));
        MqttClientPublishResult published = await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(FleetTopics.State(id))
                .WithPayload(Encoding.UTF8.GetBytes(state))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag()
                .Build(),
            ct);
        Assert.True(published.IsSuccess, $"PUBACK {published.ReasonCode}");
        Assert.Equal(state, await echoed.Task.WaitAsync(TimeSpan.FromSeconds(10), ct));

        using HttpClient http = stack.CreateHttpsClient(trustCaddy: true);
        http.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Reader);
        await Eventually.TrueAsync(
            async () => (await http.GetAsync(new Uri($"/detectors/{id}", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK,
            $"{id} listed by the API through Caddy");
        await client.DisconnectAsync(cancellationToken: ct);
    }

    /// <summary>Mosquitto (with its websockets listener), the API on it (PostgreSQL), and Caddy in front of both.</summary>
    public sealed class FrontDoor : IAsyncLifetime
    {
        public MosquittoBroker Broker { get; private set; } = null!;

        public ApiProcess Api { get; private set; } = null!;

        public CaddyServer Caddy { get; private set; } = null!;

        public HttpClient CreateHttpsClient(bool trustCaddy)
        {
            SocketsHttpHandler handler = new();
            if (trustCaddy)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Caddy.TrustsOnlyCaddysRoot(certificate, chain, errors);
            }

            return new HttpClient(handler) { BaseAddress = Caddy.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        }

        public async Task InitializeAsync()
        {
            Broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { WebSockets = true });
            string database = await MigratedDatabase.CreateAsync("caddy");
            Api = await ApiProcess.StartAsync(new FleetApiSettings(database, BrokerSettings.ForMosquitto(Broker)), "api-behind-caddy");
            await Api.WaitReadyAsync();
            Caddy = await CaddyServer.StartAsync(Api.HttpPort, Broker.WebSocketsPort, CancellationToken.None);
        }

        public async Task DisposeAsync()
        {
            if (Caddy is not null)
            {
                await Caddy.DisposeAsync();
            }

            if (Api is not null)
            {
                await Api.DisposeAsync();
            }

            if (Broker is not null)
            {
                await Broker.DisposeAsync();
            }
        }
    }
}
