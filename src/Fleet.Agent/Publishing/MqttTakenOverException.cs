namespace Fleet.Agent.Publishing;

/// <summary>The broker closed the connection because another client logged in with this detector's identity.</summary>
internal sealed class MqttTakenOverException(string message) : Exception(message);
