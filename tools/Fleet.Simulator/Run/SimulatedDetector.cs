using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Simulator.Run;

/// <summary>
/// One simulated agent: its own MQTT 5 connection and credentials, speaking the contract as src/Fleet.Agent does
/// (a new epoch before every connection attempt, the will `lost` with that epoch, `online` and the retained state
/// after connecting, seq from 0 per epoch, `offline` on a clean stop). It owns no timer or thread: the scheduler
/// calls it, one operation at a time (<see cref="TryBegin"/>), so its fields need no locks.
/// </summary>
internal sealed class SimulatedDetector(int index, string id, string password, long epochBase, RunOptions options)
{
    private static readonly MqttClientFactory Factory = new();
    private static readonly AgentReport Agent = new() { Version = "fleet-sim", Os = "simulated", Arch = "x64", StartedAt = DateTimeOffset.UtcNow };
    private static readonly ProviderReport Provider = new() { Kind = "ngrok", Version = "3.19.0", State = "running" };

    private IMqttClient? _client;
    private int _busy;
    private long _nextEpoch = epochBase;
    private long _nextSeq;
    private int _urlVersion;
    private volatile int _generation;

    public int Index => index;

    public string Id => id;

    /// <summary>The scheduler's view; only the scheduler loop writes it.</summary>
    public DetectorPhase Phase { get; set; }

    /// <summary>Failed connection attempts since the last success (the backoff's attempt number).</summary>
    public int Failures { get; set; }

    /// <summary>When (scheduler clock, seconds) this detector noticed it had lost the broker; null otherwise.</summary>
    public double? LostAt { get; set; }

    public bool EverConnected { get; set; }

    public int Generation => _generation;

    public long Epoch { get; private set; }

    public AckedState? Acked { get; private set; }

    public bool IsBusy => Volatile.Read(ref _busy) == 1;

    public bool IsConnected => _client?.IsConnected == true;

    /// <summary>Claims the detector for one operation; false while another is in flight.</summary>
    public bool TryBegin() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void End() => Volatile.Write(ref _busy, 0);

    /// <summary>
    /// Connects with the next epoch (and a will carrying it), subscribes to resync when the broker kept no session,
    /// then publishes `online` and the state (seq 0). Throws when any step fails.
    /// </summary>
    public async Task ConnectAsync(Action<SimEvent> post, CancellationToken ct)
    {
        DropClient();
        Epoch = _nextEpoch++;
        _nextSeq = 0;
        var generation = ++_generation;
        var client = Factory.CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == FleetTopics.ControlResync)
            {
                post(new SimEvent(index, SimEventKind.Resync, generation));
            }

            return Task.CompletedTask;
        };
        client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                post(new SimEvent(index, SimEventKind.Disconnected, generation));
            }

            return Task.CompletedTask;
        };
        _client = client;

        var will = Json(new StatusMessage { State = Presence.Lost, Epoch = Epoch, Reason = "connection-lost" });
        var connect = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(id)
            .WithCredentials(id, password)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)Math.Max(60, options.WillDelay.TotalSeconds * 6))
            .WithWillTopic(FleetTopics.Status(id))
            .WithWillPayload(will)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillDelayInterval((uint)options.WillDelay.TotalSeconds)
            .Build();
        var result = await client.ConnectAsync(connect, ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"{id}: the broker refused the connection: {result.ResultCode}");
        }

        if (!result.IsSessionPresent)
        {
            await client.SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder().WithTopicFilter(FleetTopics.ControlResync, MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                ct);
        }

        await PublishStatusAsync(Presence.Online, null, ct);
    }

    public Task PublishStatusAsync(Presence presence, string? reason, CancellationToken ct) =>
        PublishAsync(FleetTopics.Status(id), Json(new StatusMessage { State = presence, Epoch = Epoch, At = DateTimeOffset.UtcNow, Reason = reason }), ct);

    /// <summary>Publishes the state with the next seq; on PUBACK success it becomes the acknowledged state.</summary>
    public async Task PublishStateAsync(bool changeUrl, CancellationToken ct)
    {
        if (changeUrl)
        {
            _urlVersion++;
        }

        var generation = _generation;
        var (web, ssh) = TunnelUrls();
        var state = new StateMessage
        {
            Schema = StateMessage.CurrentSchema,
            DetectorId = id,
            Epoch = Epoch,
            Seq = _nextSeq++,
            SentAt = DateTimeOffset.UtcNow,
            HeartbeatSeconds = (int)options.Heartbeat.TotalSeconds,
            Tunnels =
            [
                // The contract: a web tunnel's proto is its URL's scheme (plain http with --tunnel-port's stand-ins).
                new TunnelReport { Name = "web", Url = web, Proto = new Uri(web).Scheme, Upstream = "http://localhost:80" },
                new TunnelReport { Name = "ssh", Url = ssh, Proto = "tcp", Upstream = "localhost:22" },
            ],
            Provider = Provider,
            Agent = Agent with { Hostname = id },
        };
        await PublishAsync(FleetTopics.State(id), JsonSerializer.Serialize(state, FleetJsonContext.Default.StateMessage), ct);
        if (generation == _generation)
        {
            Acked = new AckedState(state.Epoch, state.Seq, new Dictionary<string, string>(StringComparer.Ordinal) { ["web"] = web, ["ssh"] = ssh });
        }
    }

    /// <summary>The tunnels' URLs now: ngrok-shaped, or this detector's own stable host on --tunnel-port.</summary>
    public (string Web, string Ssh) TunnelUrls() => options.TunnelPort is { } port
        ? ($"http://{TunnelHost(id)}:{port}/v{_urlVersion}", $"tcp://{TunnelHost(id)}:{port}")
        : ($"https://{id}-{_urlVersion}.sim.ngrok-free.app", $"tcp://0.tcp.eu.ngrok.io:{20000 + index}");

    /// <summary>The host both tunnels of a detector name with --tunnel-port (what Probe:Resolve must map).</summary>
    public static string TunnelHost(string id) => $"{id}.sim.ngrok-free.app";

    /// <summary>
    /// An abrupt end: the socket is closed without DISCONNECT, as when a Pi loses power, so the broker sends the will
    /// after the will delay (unless the detector is back within it).
    /// </summary>
    public void Crash()
    {
        _generation++;
        DropClient();
    }

    /// <summary>A clean stop: `offline` (reason shutdown), then DISCONNECT, so no will is sent.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        var client = _client;
        _generation++;
        if (client?.IsConnected == true)
        {
            await PublishStatusAsync(Presence.Offline, "shutdown", ct);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), ct);
        }

        DropClient();
    }

    private async Task PublishAsync(string topic, string payload, CancellationToken ct)
    {
        var client = _client ?? throw new InvalidOperationException($"{id}: not connected");
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .Build();
        var result = await client.PublishAsync(message, ct);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"{id}: the broker refused the publish to {topic}: {result.ReasonCode}");
        }
    }

    private void DropClient()
    {
        var client = Interlocked.Exchange(ref _client, null);
        client?.Dispose();
    }

    private static string Json(StatusMessage status) => JsonSerializer.Serialize(status, FleetJsonContext.Default.StatusMessage);
}
