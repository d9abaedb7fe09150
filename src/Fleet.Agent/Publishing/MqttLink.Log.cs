using MQTTnet;

namespace Fleet.Agent.Publishing;

/// <summary>The link's log messages.</summary>
internal sealed partial class MqttLink
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Broker} with epoch {Epoch} (session present: {SessionPresent})")]
    private partial void LogConnected(string broker, long epoch, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the broker at {Endpoint} ({Reason}); trying {Next}")]
    private partial void LogEndpointFailed(string endpoint, string reason, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "The preferred endpoint {Preferred} answers again; leaving {Current} for it")]
    private partial void LogReturning(string current, string preferred);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disconnected from {Broker}: {Reason} ({Detail})")]
    private partial void LogDisconnected(string broker, MqttClientDisconnectReason reason, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker refused the publish to {Topic}: {ReasonCode}")]
    private partial void LogPublishRefused(string topic, string reasonCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The epoch file is corrupt ({Problem}); kept as {Kept}, recovering from the broker")]
    private partial void LogCorruptEpoch(string problem, string kept);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read epoch {Epoch} from this detector's retained state (the state directory was empty, or another client used this identity); the next epoch is above it")]
    private partial void LogRecovered(long? epoch);
}
