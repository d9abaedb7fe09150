using System.Buffers;
using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Mqtt;

/// <summary>
/// Taking over from a dead member of a shared subscription. Messages the broker had dealt to a member that dies are
/// gone with its session (Mosquitto does not deal them again), and a detector may say nothing new for a heartbeat or
/// longer. So when a member hears another one go offline (its will, or a clean stop), it re-reads every detector's
/// retained status and state through a short-lived plain subscription; the version guard makes what it already had
/// a no-op. The retained copy is the last state the broker acknowledged: exactly what must be shown. The same re-read
/// runs after every connect of a group member (a plain API re-reads by subscribing again, see ConnectAsync).
/// </summary>
internal sealed partial class MqttConnection
{
    private int _catchingUp;

    private static bool IsShared(MqttOptions options) => !string.IsNullOrWhiteSpace(options.SharedGroup);

    private static TimeSpan SessionExpiry(MqttOptions options) => IsShared(options) ? options.SharedSessionExpiry : options.SessionExpiry;

    private void OnPeerStatus(MqttApplicationMessage message)
    {
        // The retained copy is history (sent on subscribe); only a live offline says a member just went away.
        if (message.Retain || _stopping.IsCancellationRequested || !IsShared(_options.Value) || !SaysOffline(message.Payload))
        {
            return;
        }

        // Not awaited here: subscribing from inside the receive callback would wait on the loop that runs it.
        if (Interlocked.Exchange(ref _catchingUp, 1) == 0)
        {
            _ = Task.Run(CatchUpAsync);
        }
    }

    private async Task CatchUpAsync()
    {
        try
        {
            LogPeerOffline();
            await RereadRetainedAsync(_stopping);
        }
        catch (Exception ex)
        {
            // The next member event or reconnect tries again.
            LogCatchUpFailed(ex.Message);
        }
        finally
        {
            Volatile.Write(ref _catchingUp, 0);
        }
    }

    /// <summary>A plain (not shared) subscription just long enough for the broker to queue every retained detector message.</summary>
    private async Task RereadRetainedAsync(CancellationToken ct)
    {
        await _client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(FleetTopics.AllDetectorTopics)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithRetainHandling(MqttRetainHandling.SendAtSubscribe))
                .Build(),
            ct);

        // The broker queued every retained message for us while handling the SUBSCRIBE; they still arrive after
        // the UNSUBSCRIBE, which only stops the live copies this plain subscription would duplicate.
        await _client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(FleetTopics.AllDetectorTopics).Build(), ct);
    }

    private static bool SaysOffline(ReadOnlySequence<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            var status = JsonSerializer.Deserialize(ref reader, FleetJsonContext.Default.ApiStatusMessage);
            return status?.State == OfflineState;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another API instance of the shared group went offline: re-reading every detector's retained status and state")]
    private partial void LogPeerOffline();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-reading the retained detector messages after a peer went offline failed: {Message}")]
    private partial void LogCatchUpFailed(string message);
}
