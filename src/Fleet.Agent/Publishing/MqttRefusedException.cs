namespace Fleet.Agent.Publishing;

/// <summary>The broker answered but refused (bad credentials, not authorized): worth a clear log line, then backoff.</summary>
internal sealed class MqttRefusedException(string message) : Exception(message);
