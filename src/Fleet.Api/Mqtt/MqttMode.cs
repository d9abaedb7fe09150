namespace Fleet.Api.Mqtt;

public enum MqttMode
{
    /// <summary>The API runs its own broker in-process: one command gives a working system.</summary>
    Embedded,

    /// <summary>The API connects to a broker run elsewhere (Mosquitto, EMQX, HiveMQ, VerneMQ).</summary>
    External,
}
