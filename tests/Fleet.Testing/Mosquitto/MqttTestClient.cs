using System.Text;

using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Testing.Mosquitto;

/// <summary>
/// An MQTT 5 client for tests: connect with credentials, publish at QoS 1, subscribe, and await a
/// matching message with a timeout. Every received message is kept, so a message that arrived before
/// the test started waiting for it is still found.
/// </summary>
public sealed class MqttTestClient : IAsyncDisposable
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);

    private readonly IMqttClient client;
    private readonly Lock gate = new();
    private readonly List<(string Topic, string Payload)> received = [];
    private readonly List<(string Topic, string Payload)> unclaimed = [];
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MqttTestClient(IMqttClient client, string clientId)
    {
        this.client = client;
        ClientId = clientId;

        // Attached before connecting, so messages the broker sends right after CONNACK are not lost.
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    public string ClientId { get; }

    /// <summary>The underlying MQTTnet client, for what this helper does not cover.</summary>
    public IMqttClient Client => client;

    /// <summary>Every message received so far, in arrival order.</summary>
    public IReadOnlyList<(string Topic, string Payload)> Received
    {
        get
        {
            lock (gate)
            {
                return [.. received];
            }
        }
    }

    /// <summary>Connects with MQTT 5 and a clean start; throws when the broker refuses the CONNECT.</summary>
    public static async Task<MqttTestClient> ConnectAsync(
        string host,
        int port,
        string user,
        string password,
        string? clientId = null,
        CancellationToken ct = default)
    {
        // Default: the username, which is what Mosquitto (use_username_as_clientid) and the embedded broker require of a detector.
        string id = clientId ?? user;
        MqttTestClient testClient = new(new MqttClientFactory().CreateMqttClient(), id);
        MqttClientOptions options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithCredentials(user, password)
            .WithClientId(id)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithTimeout(OperationTimeout)
            .Build();
        try
        {
            using CancellationTokenSource timeout = Bounded(ct);

            // MQTTnet 5 reports a refused CONNECT (bad password, ...) as a result code, not an exception.
            MqttClientConnectResult result = await testClient.client.ConnectAsync(options, timeout.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException(
                    $"MQTT CONNECT to {host}:{port} as '{user}' (client id '{id}') was refused: {result.ResultCode} {result.ReasonString}");
            }

            return testClient;
        }
        catch
        {
            testClient.client.Dispose();
            throw;
        }
    }

    /// <summary>Publishes at QoS 1 and returns the PUBACK result (a refusal is a reason code, not an exception).</summary>
    public async Task<MqttClientPublishResult> PublishAsync(string topic, string payload, bool retain = true, CancellationToken ct = default)
    {
        MqttApplicationMessage message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        using CancellationTokenSource timeout = Bounded(ct);
        return await client.PublishAsync(message, timeout.Token);
    }

    /// <summary>Subscribes at QoS 1; throws when the broker does not grant the subscription.</summary>
    public async Task<MqttClientSubscribeResult> SubscribeAsync(string filter, CancellationToken ct = default)
    {
        MqttClientSubscribeOptions options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        using CancellationTokenSource timeout = Bounded(ct);
        MqttClientSubscribeResult result = await client.SubscribeAsync(options, timeout.Token);
        foreach (MqttClientSubscribeResultItem item in result.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new InvalidOperationException($"Subscription to '{filter}' by '{ClientId}' was refused: {item.ResultCode} {result.ReasonString}");
            }
        }

        return result;
    }

    /// <summary>
    /// Returns the first received message matching the predicate that no earlier wait returned,
    /// waiting up to <paramref name="timeout"/> for it to arrive.
    /// </summary>
    public async Task<(string Topic, string Payload)> WaitForMessageAsync(
        Func<string, string, bool> predicate,
        TimeSpan timeout,
        CancellationToken ct = default)
    {
        using CancellationTokenSource deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task next;
            lock (gate)
            {
                int index = unclaimed.FindIndex(m => predicate(m.Topic, m.Payload));
                if (index >= 0)
                {
                    (string Topic, string Payload) match = unclaimed[index];
                    unclaimed.RemoveAt(index);
                    return match;
                }

                next = arrived.Task;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"'{ClientId}' received no matching message within {timeout.TotalSeconds:0.#} s. Received: {Describe(Received)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        client.ApplicationMessageReceivedAsync -= OnMessageAsync;
        try
        {
            if (client.IsConnected)
            {
                using CancellationTokenSource timeout = new(OperationTimeout);
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
            }
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            // The broker is already gone (a test stopped it); there is nobody left to say goodbye to.
        }
        finally
        {
            client.Dispose();
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        (string Topic, string Payload) message = (e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
        TaskCompletionSource signal;
        lock (gate)
        {
            received.Add(message);
            unclaimed.Add(message);
            signal = arrived;
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
        return Task.CompletedTask;
    }

    private static CancellationTokenSource Bounded(CancellationToken ct)
    {
        CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(OperationTimeout);
        return timeout;
    }

    private static string Describe(IReadOnlyList<(string Topic, string Payload)> messages) =>
        messages.Count == 0
            ? "nothing"
            : string.Join("; ", messages.TakeLast(20).Select(m => $"{m.Topic} {(m.Payload.Length > 120 ? m.Payload[..120] + "…" : m.Payload)}"));
}
