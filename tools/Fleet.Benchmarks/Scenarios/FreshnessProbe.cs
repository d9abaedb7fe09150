using System.Text.Json;

using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>One simulated detector driven by the orchestrator: speaks the contract (will, online, state with seq).</summary>
internal sealed class FreshnessProbe(string id, string password, long epoch) : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private long _seq = -1;

    public string Id => id;

    public async Task ConnectAsync(string host, int port)
    {
        var will = JsonSerializer.SerializeToUtf8Bytes(new StatusMessage { State = Presence.Lost, Epoch = epoch, Reason = "connection-lost" }, FleetJsonContext.Default.StatusMessage);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(id)
            .WithCredentials(id, password)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithWillTopic(FleetTopics.Status(id))
            .WithWillPayload(will)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await _client.ConnectAsync(options);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"the broker refused the freshness probe {id}: {result.ResultCode}");
        }

        await PublishAsync(FleetTopics.Status(id), JsonSerializer.SerializeToUtf8Bytes(
            new StatusMessage { State = Presence.Online, Epoch = epoch, At = DateTimeOffset.UtcNow }, FleetJsonContext.Default.StatusMessage));
    }

    /// <summary>Publishes the next state with this URL for tunnel "web"; returns when the broker acknowledged it.</summary>
    public Task PublishUrlAsync(string url)
    {
        var state = new StateMessage
        {
            Schema = StateMessage.CurrentSchema,
            DetectorId = id,
            Epoch = epoch,
            Seq = Interlocked.Increment(ref _seq),
            SentAt = DateTimeOffset.UtcNow,
            HeartbeatSeconds = 60,
            Tunnels = [new TunnelReport { Name = "web", Url = url, Proto = "https", Upstream = "http://localhost:80" }],
            Provider = new ProviderReport { Kind = "ngrok", Version = "3.19.0", State = "running", Restarts = 0 },
            Agent = new AgentReport { Version = "1.0.0", Hostname = id, Os = "Debian GNU/Linux 12", Arch = "arm64" },
        };
        return PublishAsync(FleetTopics.State(id), JsonSerializer.SerializeToUtf8Bytes(state, FleetJsonContext.Default.StateMessage));
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await PublishAsync(FleetTopics.Status(id), JsonSerializer.SerializeToUtf8Bytes(
                new StatusMessage { State = Presence.Offline, Epoch = epoch, At = DateTimeOffset.UtcNow, Reason = "shutdown" }, FleetJsonContext.Default.StatusMessage));
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build());
        }

        _client.Dispose();
    }

    private async Task PublishAsync(string topic, byte[] payload)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .Build());
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish to {topic} failed: {result.ReasonCode}");
        }
    }
}
