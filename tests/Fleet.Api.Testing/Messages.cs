using System.Text.Json;
using Fleet.Domain.Messages;

namespace Fleet.Api.Testing;

/// <summary>Contract messages for tests, serialized by the same JSON context the agent uses.</summary>
public static class Messages
{
    public static StateMessage State(string id, long epoch, long seq, string url = "https://ab12cd34.ngrok-free.app", string tunnel = "web") => new()
    {
        Schema = 1,
        DetectorId = id,
        Epoch = epoch,
        Seq = seq,
        SentAt = DateTimeOffset.UtcNow,
        HeartbeatSeconds = 60,
        Tunnels = [new TunnelReport { Name = tunnel, Url = url, Proto = ProtoOf(url), Upstream = "http://localhost:80" }],
        Provider = new ProviderReport { Kind = "ngrok", Version = "3.19.0", State = "running" },
        Agent = new AgentReport { Version = "1.0.0", Hostname = id, Os = "Debian GNU/Linux 12", Arch = "arm64" },
    };

    /// <summary>The proto the agent reports for <paramref name="url"/>: its scheme (the contract wants them to agree).</summary>
    public static string ProtoOf(string url)
    {
        var scheme = url.Split(':')[0].ToLowerInvariant();
        return scheme is "http" or "https" or "tcp" or "ssh" ? scheme : "https";
    }

    public static StatusMessage Status(Presence state, long epoch) => new()
    {
        State = state,
        Epoch = epoch,
        At = DateTimeOffset.UtcNow,
        Reason = state == Presence.Lost ? "connection-lost" : state == Presence.Offline ? "shutdown" : null,
    };

    public static string Json(StateMessage state) => JsonSerializer.Serialize(state, FleetJsonContext.Default.StateMessage);

    public static string Json(StatusMessage status) => JsonSerializer.Serialize(status, FleetJsonContext.Default.StatusMessage);

    public static string NewId(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(20, prefix.Length + 13)];
}
