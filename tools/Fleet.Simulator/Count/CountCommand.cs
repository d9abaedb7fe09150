using System.Diagnostics;
using System.Text.Json;
using Fleet.Domain.Topics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Simulator.Count;

/// <summary>
/// The broker-only ceiling: a subscriber that does nothing but count (MQTTnet acknowledges each QoS 1 message as soon
/// as the handler returns), so the rate it sees is what the broker can deliver to one consumer on this machine.
/// </summary>
internal static class CountCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> ExecuteAsync(CountOptions options, CancellationToken ct)
    {
        var password = (await File.ReadAllTextAsync(options.PasswordFile, ct)).Trim();
        var clock = Stopwatch.StartNew();
        long received = 0;
        long firstTicks = -1;
        long lastTicks = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += _ =>
        {
            var now = clock.ElapsedTicks;
            Interlocked.CompareExchange(ref firstTicks, now, -1);
            Volatile.Write(ref lastTicks, now);
            if (Interlocked.Increment(ref received) >= options.Expect)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };

        var connect = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(options.Username)
            .WithCredentials(options.Username, password)
            .WithCleanStart(true)
            .WithReceiveMaximum(ushort.MaxValue)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .Build();

        // MQTTnet sizes the socket buffers from BufferSize (8 KiB by default), which pins the TCP receive window at ~8 KiB:
        // on a busy machine the broker then waits on a window the process empties only when scheduled, delivery fell to
        // ~100 msg/s here and Mosquitto dropped the overflow. 4 MiB lets the kernel take bursts while the process waits.
        ((MqttClientTcpOptions)connect.ChannelOptions).BufferSize = 4 * 1024 * 1024;
        var result = await client.ConnectAsync(connect, ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            await Console.Error.WriteLineAsync($"fleet-sim count: the broker refused the connection: {result.ResultCode}");
            return 1;
        }

        var filter = options.SharedGroup is { } group ? FleetTopics.Shared(group, options.Topic) : options.Topic;
        await client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f
                    .WithTopic(filter)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithRetainHandling(options.Retained ? MqttRetainHandling.SendAtSubscribe : MqttRetainHandling.DoNotSendOnSubscribe))
                .Build(),
            ct);
        await Console.Error.WriteLineAsync($"fleet-sim count: subscribed to {filter} as {options.Username}");

        var waits = new List<Task> { done.Task };
        if (options.Duration is { } duration)
        {
            waits.Add(Task.Delay(duration, ct));
        }

        var progress = Task.Run(
            async () =>
            {
                while (!done.Task.IsCompleted && !ct.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
                    await Console.Error.WriteLineAsync($"fleet-sim count: {Interlocked.Read(ref received)} received");
                }
            },
            ct);
        try
        {
            await Task.WhenAny(waits).WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("fleet-sim count: interrupted");
        }

        done.TrySetResult();
        var count = Interlocked.Read(ref received);
        var first = Interlocked.Read(ref firstTicks);
        var seconds = first < 0 ? 0 : (Volatile.Read(ref lastTicks) - first) / (double)Stopwatch.Frequency;
        if (client.IsConnected)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), CancellationToken.None);
        }

        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new CountSummary(count, Math.Round(seconds, 3), Math.Round(seconds > 0 ? count / seconds : 0, 1)), Json));
        _ = progress;
        return options.Expect is null || count >= options.Expect ? 0 : 1;
    }
}
