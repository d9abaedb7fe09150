using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Mqtt;

/// <summary>The API's own presence on fleet/v1/api/status and the resync request after a lost session.</summary>
internal sealed partial class MqttConnection
{
    private const string OnlineState = "online";
    private const string OfflineState = "offline";

    /// <summary>
    /// Runs after every successful connect (and the subscription, when there was no session). Failures are logged,
    /// not thrown: the connection itself is fine, and the next change republishes what monitoring needs.
    /// </summary>
    private async Task AnnounceAsync(bool sessionPresent, CancellationToken ct)
    {
        try
        {
            await PublishApiStatusAsync(OnlineState, ct);
            if (!sessionPresent)
            {
                // Without a session, messages sent while we were away (and retained state we never saw) may be gone.
                await PublishSignalAsync(FleetTopics.ControlResync, "{}"u8.ToArray(), retain: false, ct);
                LogResyncRequested();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAnnounceFailed(ex.Message);
        }
    }

    private Task PublishApiStatusAsync(string state, CancellationToken ct) =>
        PublishSignalAsync(FleetTopics.ApiStatus, ApiStatusPayload(state), retain: true, ct);

    private async Task PublishSignalAsync(string topic, byte[] payload, bool retain, CancellationToken ct)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        var result = await _client.PublishAsync(message, ct);
        if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            LogPublishRefused(topic, result.ReasonCode.ToString());
        }
    }

    private static byte[] ApiStatusPayload(string state) =>
        JsonSerializer.SerializeToUtf8Bytes(new ApiStatusMessage(state), FleetJsonContext.Default.ApiStatusMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked every agent to republish on fleet/v1/control/resync: the broker had no session for the API")]
    private partial void LogResyncRequested();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker refused the API's publish to {Topic}: {ResultCode}")]
    private partial void LogPublishRefused(string topic, string resultCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the API's presence or the resync request failed: {Message}")]
    private partial void LogAnnounceFailed(string message);
}
