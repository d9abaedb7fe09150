using System.Net.Http.Json;
using Fleet.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fleet.Api.Tests.Security;

/// <summary>Neither a configured key nor a presented wrong one ever reaches a log entry, at any level.</summary>
public sealed class KeyLoggingTests
{
    [Fact]
    public async Task Keys_NeverAppearInLogs()
    {
        var logs = new CapturedLogs();
        var wrongKey = "wrong-" + Guid.NewGuid().ToString("N");
        var wrongSessionKey = "wrong-session-" + Guid.NewGuid().ToString("N");
        await using var factory = await SecurityApi.CreateAsync(new Dictionary<string, string?> { ["Limits:FailedAuthPerMinute"] = "3" });
        await using var api = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l
            .AddProvider(logs)
            .AddFilter<CapturedLogs>(null, LogLevel.Trace)));
        using var anonymous = SecurityApi.Client(api);
        using var reader = SecurityApi.Client(api, TestKeys.Reader);
        using var admin = SecurityApi.Client(api, TestKeys.Admin);
        using var wrong = SecurityApi.Client(api, wrongKey);
        using var bearer = SecurityApi.Client(api);
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", wrongKey);

        (await reader.GetAsync("/detectors")).Dispose();
        (await reader.PatchAsJsonAsync("/detectors/pi-1", new { name = "x" })).Dispose();
        (await admin.PatchAsJsonAsync("/detectors/pi-1", new { name = "x" })).Dispose();
        (await admin.DeleteAsync("/detectors/pi-1")).Dispose();
        (await anonymous.PostAsJsonAsync("/auth/session", new { key = TestKeys.Reader })).Dispose();
        (await anonymous.PostAsJsonAsync("/auth/session", new { key = wrongSessionKey })).Dispose();
        (await wrong.GetAsync("/detectors")).Dispose();
        (await bearer.GetAsync("/detectors/pi-1")).Dispose();
        (await wrong.GetAsync("/detectors")).Dispose(); // over the failed-authentication limit: 429

        var entries = logs.Entries.ToList();
        Assert.NotEmpty(entries);
        Assert.Contains(entries, e => e.Contains("ApiKey", StringComparison.Ordinal));
        foreach (var secret in new[] { TestKeys.Reader, TestKeys.Admin, wrongKey, wrongSessionKey })
        {
            Assert.DoesNotContain(entries, e => e.Contains(secret, StringComparison.Ordinal));
        }
    }
}
