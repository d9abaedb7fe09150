using System.Net;
using System.Net.WebSockets;
using System.Security.Authentication;
using Fleet.Api.Tests.Security;
using Fleet.Domain.Topics;
using Fleet.Testing.Tls;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Tests.Mqtt;

/// <summary>
/// Issue 14, item 1 (embedded broker): detectors reach the embedded broker over TLS (mqtts) and over WebSockets on the
/// API's HTTPS port (wss://host/mqtt), with the one certificate Kestrel is configured with, logged in and limited
/// exactly as over plain TCP; what is not TLS, or not MQTT over a WebSocket, is refused.
/// </summary>
public sealed class EmbeddedBrokerTransportsTests(EmbeddedBrokerTransportsFixture fixture) : IClassFixture<EmbeddedBrokerTransportsFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Detector_OverTlsOrSecureWebSocket_LogsInAndItsStateIsServedOverHttps(bool webSocket)
    {
        using var test = new CancellationTokenSource(TestTimeout);
        var ct = test.Token;
        var id = Messages.NewId(webSocket ? "wss" : "tls");
        var password = await fixture.Api.ProvisionEmbeddedDetectorAsync(id);
        using var detector = new MqttClientFactory().CreateMqttClient();

        var connected = await detector.ConnectAsync(fixture.DetectorOptions(id, password, webSocket), ct);
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        var state = new MqttApplicationMessageBuilder().WithTopic(FleetTopics.State(id)).WithPayload(Messages.Json(Messages.State(id, 1, 0)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag().Build();
        var published = await detector.PublishAsync(state, ct);
        Assert.True(published.IsSuccess, published.ReasonString);

        using var http = fixture.CreateReader();
        await Eventually.TrueAsync(
            async () => (await http.GetAsync($"/detectors/{id}", ct)).StatusCode == HttpStatusCode.OK, "GET /detectors/{id} over HTTPS shows the detector");
        await detector.DisconnectAsync(cancellationToken: ct);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Detector_TrustingAnotherCa_RefusesTheBrokersCertificate(bool webSocket)
    {
        using var test = new CancellationTokenSource(TestTimeout);
        var ct = test.Token;
        using var otherCa = TestCertificateAuthority.Create("Some Other CA");
        using var detector = new MqttClientFactory().CreateMqttClient();

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => detector.ConnectAsync(fixture.DetectorOptions("pi-000", "x", webSocket, otherCa), ct));

        Assert.True(Chain(refused).Any(e => e is AuthenticationException), $"a TLS failure, not {refused}");
        Assert.False(detector.IsConnected);
    }

    [Fact]
    public async Task PlainTextConnect_ToTheTlsPort_IsClosedWithoutAnAnswer()
    {
        using var test = new CancellationTokenSource(TestTimeout);
        var ct = test.Token;
        using var plain = await RawMqttConnection.OpenAsync(fixture.TlsPort, ct: ct);

        Assert.Null(await plain.LoginAsync("plain", "monitor", "whatever", ct));
        Assert.True(await plain.WaitClosedAsync(Bound, ct), "the broker closes the connection");
    }

    [Fact]
    public async Task TlsConnection_ThatNeverHandshakes_IsClosedAfterConnectTimeout()
    {
        using var test = new CancellationTokenSource(TestTimeout);
        var ct = test.Token;
        using var silent = await RawMqttConnection.OpenAsync(fixture.TlsPort, "127.0.0.2", ct);

        // The fixture's ConnectTimeout is one second and covers the TLS handshake; the bound only keeps a failing test from hanging.
        Assert.True(await silent.WaitClosedAsync(Bound, ct), "the silent TLS connection is closed");
    }

    [Fact]
    public async Task WebSocket_ThatNeverLogsIn_IsClosedAfterConnectTimeout()
    {
        using var test = new CancellationTokenSource(TestTimeout);
        var ct = test.Token;
        using var socket = fixture.CreateWebSocket(withSubProtocol: true);
        await socket.ConnectAsync(fixture.WebSocketUri, ct);
        Assert.Equal("mqtt", socket.SubProtocol);

        // The fixture's ConnectTimeout is one second; the bound only keeps a failing test from hanging.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Bound);
        var closed = false;
        try
        {
            var result = await socket.ReceiveAsync(new byte[16], timeout.Token);
            closed = result.MessageType == WebSocketMessageType.Close;
        }
        catch (WebSocketException)
        {
            closed = true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }

        Assert.True(closed, "the server ended the silent WebSocket");
    }

    [Fact]
    public async Task WebSocket_WithoutTheMqttSubProtocol_IsRefusedWith400()
    {
        using var test = new CancellationTokenSource(TestTimeout);
        var ct = test.Token;
        using var socket = fixture.CreateWebSocket(withSubProtocol: false);

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(fixture.WebSocketUri, ct));

        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
        using var http = fixture.CreateReader();
        var plainGet = await http.GetAsync("/mqtt", ct);
        Assert.Equal(HttpStatusCode.BadRequest, plainGet.StatusCode);
        Assert.Contains("subprotocol 'mqtt'", await plainGet.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
