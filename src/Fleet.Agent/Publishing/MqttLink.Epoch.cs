using System.Buffers;
using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Agent.Publishing;

/// <summary>The link's epoch recovery: reading this detector's own retained state before taking an epoch.</summary>
internal sealed partial class MqttLink
{
    /// <summary>
    /// The state directory is gone (a new SD card, a wiped disk): before taking an epoch, read this detector's own
    /// retained state from the broker so the new epoch is above every epoch it used before. This connection has no
    /// will and publishes nothing.
    /// </summary>
    private async Task RecoverEpochAsync(CancellationToken ct)
    {
        _recovery = new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = await _client.ConnectAsync(BaseOptions().WithCleanStart(true).Build(), ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MqttRefusedException($"the broker {Broker} refused the connection: {result.ResultCode}");
        }

        await _client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(FleetTopics.State(DetectorId), MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            ct);
        long? recovered;
        try
        {
            recovered = await _recovery.Task.WaitAsync(_options.Mqtt.EpochRecoveryWait, _clock, ct);
        }
        catch (TimeoutException)
        {
            recovered = null;
        }

        _recovery = null;
        await DisconnectAsync(ct);
        _epochs.EnsureAtLeast(recovered ?? 0);
        LogRecovered(recovered);
    }

    private long? ReadStoredEpoch()
    {
        try
        {
            return _epochs.Read();
        }
        catch (InvalidDataException ex)
        {
            // A failing SD card or a hand edit: keep the evidence, then recover as on a fresh card.
            var kept = _epochs.SetAsideCorruptFile();
            LogCorruptEpoch(ex.Message, kept ?? "-");
            return null;
        }
    }

    private static long? ReadEpoch(ReadOnlySequence<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            return JsonSerializer.Deserialize(ref reader, FleetJsonContext.Default.StateMessage)?.Epoch;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
