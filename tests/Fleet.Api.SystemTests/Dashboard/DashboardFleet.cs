using Fleet.Api.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>
/// A fleet written straight through the API's DbContext (no MQTT): thousands of detectors in seconds for the
/// dashboard's scale test. Every tenth is lost, offline or unknown; tags are a site (every fourth the same) and a rack.
/// </summary>
internal static class DashboardFleet
{
    private const int Batch = 2000;
    private static readonly string[] Sites = ["north", "east", "south", "west"];

    public static string Id(int i) => $"dash-{i:D5}";

    public static string StatusOf(int i) => (i % 10) switch { 0 => "lost", 1 => "offline", 2 => "unknown", _ => "online" };

    public static string SiteOf(int i) => Sites[i % Sites.Length];

    public static string WebUrl(int i) => $"https://{Id(i)}.ngrok-free.app";

    public static async Task SeedAsync(FleetApiFactory api, int count, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        for (var start = 1; start <= count; start += Batch)
        {
            await using var scope = api.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Detectors.AddRange(Enumerable.Range(start, Math.Min(Batch, count - start + 1)).Select(i => Record(i, now)));
            await db.SaveChangesAsync(ct);
        }
    }

    private static DetectorRecord Record(int i, DateTimeOffset now) => new()
    {
        Id = Id(i),
        Name = $"Detector {i}",
        Tags = [SiteOf(i), $"rack-{i % 50:D2}"],
        Status = StatusOf(i),
        StatusSince = now,
        LastSeenAt = now,
        // Long enough that the presence sweep leaves the seeded online detectors alone during the test.
        HeartbeatSeconds = 3600,
        ProviderKind = "ngrok",
        ProviderVersion = "3.19.0",
        ProviderState = "running",
        AgentVersion = "1.0.0",
        AgentOs = "Debian GNU/Linux 12",
        AgentArch = "arm64",
        CreatedAt = now,
        Tunnels =
        [
            new TunnelRecord { DetectorId = Id(i), Name = "web", Url = WebUrl(i), Proto = "https", Upstream = "http://localhost:80", Since = now },
            new TunnelRecord { DetectorId = Id(i), Name = "ssh", Url = $"tcp://0.tcp.eu.ngrok.io:{10000 + i}", Proto = "tcp", Upstream = "localhost:22", Since = now },
        ],
    };
}
