using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Reachability;

/// <summary>States carrying agent checks, for the reachability tests.</summary>
internal static class Checks
{
    public static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-28T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    public static TunnelCheck Ok(int latencyMs = 84) => new() { Outcome = CheckOutcomes.Ok, HttpStatus = 200, LatencyMs = latencyMs, CheckedAt = At };

    public static TunnelCheck Failing(string outcome, string? code = null, int? httpStatus = null) =>
        new() { Outcome = outcome, Code = code, HttpStatus = httpStatus, LatencyMs = 30, CheckedAt = At };

    public static TunnelReport Web(TunnelCheck? check, string url = "https://web1.ngrok-free.app") =>
        new() { Name = "web", Url = url, Proto = "https", Upstream = "http://localhost:80", Check = check };

    public static TunnelReport Api(TunnelCheck? check) =>
        new() { Name = "api", Url = "https://api1.ngrok-free.app", Proto = "https", Upstream = "http://localhost:8080", Check = check };

    public static StateMessage State(string id, long seq, params TunnelReport[] tunnels) =>
        Messages.State(id, 1, seq) with { Tunnels = tunnels };
}
