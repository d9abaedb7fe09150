using Fleet.Domain.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Mqtt;

/// <summary>
/// The broker side of decommissioning a detector: end its live session (embedded broker only; with an external
/// broker the operator removes its credential) and clear its retained topics with zero-byte retained QoS 1 publishes.
/// The API may publish only zero bytes to a detector's topics (a clear, never a message in its name):
/// <see cref="TopicAcl.CanClear"/> on the embedded broker, <c>infra/mosquitto/acl</c> for Mosquitto.
/// </summary>
internal sealed partial class RetiredDetectorBroker(
    MqttConnection mqtt,
    ILogger<RetiredDetectorBroker> logger,
    EmbeddedBroker? embedded = null)
{
    /// <summary>Drops the detector's connections and sessions on the embedded broker; 0 with an external broker.</summary>
    public async Task<int> DisconnectAsync(string detectorId) =>
        embedded is null ? 0 : await embedded.DisconnectDetectorAsync(detectorId);

    /// <summary>
    /// Clears <c>fleet/v1/detectors/{id}/status</c>, <c>…/state</c> and <c>fleet/v1/registry/{id}</c>. Returns false
    /// (and logs) when the broker is unreachable or refuses one of them; the database work is not undone for that.
    /// </summary>
    public async Task<bool> ClearRetainedAsync(string detectorId, CancellationToken ct)
    {
        var cleared = true;
        foreach (var topic in new[] { FleetTopics.Status(detectorId), FleetTopics.State(detectorId), FleetTopics.Registry(detectorId) })
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(Array.Empty<byte>())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(true)
                .Build();
            try
            {
                var result = await mqtt.PublishAsync(message, ct);
                if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    cleared = false;
                    LogClearFailed(detectorId, topic, result.ReasonCode.ToString());
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                cleared = false;
                LogClearFailed(detectorId, topic, ex.Message);
            }
        }

        return cleared;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Decommissioning {DetectorId}: clearing the retained topic {Topic} failed: {Reason}. Clear it by hand (a zero-byte retained publish as the API)")]
    private partial void LogClearFailed(string detectorId, string topic, string reason);
}
