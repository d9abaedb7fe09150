using System.Net.Security;
using System.Net.Sockets;
using Fleet.Agent.Configuration;
using Fleet.Agent.Publishing;
using Fleet.Domain.Broker;
using MQTTnet;
using MQTTnet.Formatter;

namespace Fleet.Agent.Commands;

/// <summary>
/// `check` against one endpoint: logs in once, and when that fails says why and what to change; for the failures that
/// look alike (a closed connection, a broken handshake) it asks the port what it speaks before saying so.
/// </summary>
internal sealed class BrokerCheck(AgentOptions options, MqttTls tls, string password)
{
    private MqttSettings Mqtt => options.Mqtt;

    private string User => Mqtt.Username ?? options.DetectorId;

    /// <summary>Null when <paramref name="endpoint"/> accepted the login.</summary>
    public async Task<string?> RunAsync(MqttEndpoint endpoint)
    {
        try
        {
            var code = await LoginAsync(endpoint);
            return code == MqttClientConnectResultCode.Success ? null : BrokerAdvice.Refusal(code, User);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var (kind, detail) = ConnectFailure.Classify(ex);
            return kind switch
            {
                ConnectFailureKind.TlsHandshake or ConnectFailureKind.ClosedWithoutAnswer or ConnectFailureKind.Other when endpoint.UseTls && await AnswersMqttAsync(endpoint with { Transport = Plain(endpoint) }) =>
                    BrokerAdvice.PlainListener(endpoint, detail),
                ConnectFailureKind.TimedOut when !endpoint.UseTls && await SpeaksTlsAsync(endpoint) => BrokerAdvice.TlsListener(endpoint),
                ConnectFailureKind.TimedOut when !endpoint.IsWebSocket && await AcceptsTcpAsync(endpoint) => BrokerAdvice.SilentListener(endpoint, Mqtt.ConnectTimeout),
                ConnectFailureKind.ClosedWithoutAnswer or ConnectFailureKind.Other when !endpoint.UseTls && await SpeaksTlsAsync(endpoint) =>
                    BrokerAdvice.TlsListener(endpoint),
                _ => BrokerAdvice.Failure(kind, detail, endpoint, Mqtt),
            };
        }
    }

    private static MqttTransport Plain(MqttEndpoint endpoint) => endpoint.IsWebSocket ? MqttTransport.WebSocket : MqttTransport.Tcp;

    private async Task<MqttClientConnectResultCode> LoginAsync(MqttEndpoint endpoint)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithProtocolVersion(MqttProtocolVersion.V500)
            // The detector's own client id: the embedded broker accepts no other for a detector, and Mosquitto
            // (use_username_as_clientid) uses the user name anyway. The running agent is not connected (checked before).
            .WithClientId(Mqtt.ClientId ?? options.DetectorId)
            .WithCredentials(User, password)
            .WithCleanStart(true)
            .WithTimeout(Mqtt.ConnectTimeout);
        var result = await client.ConnectAsync(MqttTransportOptions.Apply(builder, endpoint, Mqtt, tls).Build());
        if (result.ResultCode == MqttClientConnectResultCode.Success)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }

        return result.ResultCode;
    }

    /// <summary>Whether a plain MQTT client gets any CONNACK there (accepted or not).</summary>
    private async Task<bool> AnswersMqttAsync(MqttEndpoint plain)
    {
        try
        {
            await LoginAsync(plain);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>Whether a TLS handshake completes there, whatever the certificate (only to name the listener's kind).</summary>
    private async Task<bool> SpeaksTlsAsync(MqttEndpoint endpoint)
    {
        using var timeout = new CancellationTokenSource(Mqtt.ConnectTimeout);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
            // Any certificate: this handshake only tells a TLS listener from a plain one; nothing is sent over it.
#pragma warning disable CA5359
            await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
#pragma warning restore CA5359
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = endpoint.Host }, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    private async Task<bool> AcceptsTcpAsync(MqttEndpoint endpoint)
    {
        using var timeout = new CancellationTokenSource(Mqtt.ConnectTimeout);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }
}
