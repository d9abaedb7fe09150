using System.Globalization;
using System.Net;
using System.Text;
using Fleet.Domain.Topics;
using Fleet.Testing.Tls;
using Microsoft.AspNetCore.Mvc.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Api.SystemTests.Security;

/// <summary>
/// Issue 14: secrets never cross the network readable. tcpdump captures the loopback traffic of a detector logging in
/// to the embedded broker and of an operator reading <c>GET /detectors</c> with an API key; over mqtts and https
/// neither the detector's password nor the key is anywhere in the capture. The control run does the same in plain
/// text and finds both, which shows the capture would have seen them.
/// </summary>
public sealed class WireSecretScanTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Capture_OfATlsSession_HoldsNeitherTheMqttPasswordNorTheApiKey()
    {
        using var test = new CancellationTokenSource(TestTimeout);
        var (captured, password) = await CaptureSessionAsync(tls: true, test.Token);

        Assert.False(Contains(captured, password), "the detector's MQTT password is in the captured TLS traffic");
        Assert.False(Contains(captured, TestKeys.Reader), "the API key is in the captured HTTPS traffic");
    }

    [Fact]
    public async Task Capture_OfAPlainTextSession_HoldsTheMqttPasswordAndTheApiKey()
    {
        using var test = new CancellationTokenSource(TestTimeout);
        var (captured, password) = await CaptureSessionAsync(tls: false, test.Token);

        Assert.True(Contains(captured, password), $"the control run's capture shows the plain MQTT password ({captured.Length} bytes)");
        Assert.True(Contains(captured, TestKeys.Reader), "the control run's capture shows the plain-HTTP API key");
    }

    private static async Task<(byte[] Captured, string Password)> CaptureSessionAsync(bool tls, CancellationToken ct)
    {
        using var ca = TestCertificateAuthority.Create();
        var directory = Directory.CreateTempSubdirectory("fleet-secret-scan-").FullName;
        try
        {
            var httpPort = FreePort.Next();
            var tlsPort = FreePort.Next();
            var broker = BrokerSettings.ForEmbedded();
            var extra = new Dictionary<string, string?> { ["urls"] = $"{(tls ? "https" : "http")}://127.0.0.1:{httpPort}" };
            if (tls)
            {
                var (certificate, key) = ca.IssueServerPem(directory);
                extra["Kestrel:Certificates:Default:Path"] = certificate;
                extra["Kestrel:Certificates:Default:KeyPath"] = key;
                extra["Mqtt:Embedded:TlsPort"] = tlsPort.ToString(CultureInfo.InvariantCulture);
            }

            var database = await MigratedDatabase.CreateAsync("secret_scan", ct);
            await using var api = new FleetApiFactory(new FleetApiSettings(database, broker) { Extra = extra });
            api.UseKestrel();
            api.StartServer();
            await Eventually.TrueAsync(() => Task.FromResult(api.MqttConnected), "the API connected to its broker");
            var id = Messages.NewId("scan");
            var password = await api.ProvisionEmbeddedDetectorAsync(id);

            // The API's own client talks to the plain port over loopback with its in-memory secret: not captured here.
            await using var capture = await PacketCapture.StartAsync([httpPort, tls ? tlsPort : broker.Port], ct);
            using (var detector = new MqttClientFactory().CreateMqttClient())
            {
                var options = new MqttClientOptionsBuilder().WithClientId(id).WithCredentials(id, password)
                    .WithProtocolVersion(MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(10));
                options = tls
                    ? options.WithTcpServer("127.0.0.1", tlsPort).WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(e => ca.Trusts(e.Certificate, e.SslPolicyErrors)))
                    : options.WithTcpServer("127.0.0.1", broker.Port);
                var connected = await detector.ConnectAsync(options.Build(), ct);
                Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
                var state = new MqttApplicationMessageBuilder().WithTopic(FleetTopics.State(id)).WithPayload(Messages.Json(Messages.State(id, 1, 0)))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag().Build();
                Assert.True((await detector.PublishAsync(state, ct)).IsSuccess);
                await detector.DisconnectAsync(cancellationToken: ct);
            }

            var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => ca.Trusts(certificate, errors);
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{httpPort}") };
            http.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Reader);
            await Eventually.TrueAsync(
                async () => (await http.GetAsync($"/detectors/{id}", ct)).StatusCode == HttpStatusCode.OK, "the operator reads the detector");

            // Per port at least a handshake and a request with its answer (the answer comes after the request that holds
            // the secret): the capture saw both sessions.
            return (await capture.StopAsync(packetsPerPort: 5, ct), password);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static bool Contains(byte[] haystack, string secret) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0;
}
