using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>
/// The fixed facts an agent reports about its Pi; a fact the Pi cannot tell (no thermal zone, no vcgencmd, no public
/// IP URL configured) is left out, never an error.
/// </summary>
public sealed record HealthFacts
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? UptimeSeconds { get; init; }

    /// <summary>Free bytes (for an unprivileged user) on the filesystem of the agent's state directory.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DiskFreeBytes { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DiskTotalBytes { get; init; }

    /// <summary>The 1-, 5- and 15-minute load averages (/proc/loadavg).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? Load { get; init; }

    /// <summary>MemAvailable of /proc/meminfo, in bytes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MemoryAvailableBytes { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MemoryTotalBytes { get; init; }

    /// <summary>The CPU temperature in °C (/sys/class/thermal, the cpu zone or else the first).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CpuTemperatureC { get; init; }

    /// <summary>A Raspberry Pi's <c>vcgencmd get_throttled</c> bits as it prints them (e.g. <c>0x50005</c>); 0x0 is fine.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Throttled { get; init; }

    /// <summary>The address the Pi egresses from, as the configured URL (Agent:Health:PublicIpUrl) saw it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PublicIp { get; init; }
}
