using System.Net.Http.Json;
using Fleet.Api.Testing.Dashboard;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// No key material reaches a log entry at any level, even with configuration asking for Trace everywhere: API keys
/// (configured or presented), session cookies, and the data-protection master keys.
/// </summary>
public sealed class KeyLoggingTests
{
    [Fact]
    public async Task KeyMaterial_AtTraceForEveryCategory_NeverAppearsInLogs()
    {
        var logs = new CapturingLoggerProvider();
        var wrongKey = "wrong-" + Guid.NewGuid().ToString("N");
        var wrongSessionKey = "wrong-session-" + Guid.NewGuid().ToString("N");
        await using var factory = await SecurityApi.CreateAsync(new Dictionary<string, string?>
        {
            ["Limits:FailedAuthPerMinute"] = "3",
            // Configuration trying to turn every category on, the key ring's repository by name included.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection.Repositories.EntityFrameworkCoreXmlRepository"] = "Trace",
        });
        await using var api = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l
            .AddProvider(logs)
            .AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace)));
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
        var (signIn, cookie) = await SessionCookies.SignInAsync(anonymous, TestKeys.Reader);
        signIn.Dispose();
        Assert.NotNull(cookie);
        (await anonymous.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie))).Dispose();
        (await anonymous.SendAsync(SessionCookies.Request(HttpMethod.Delete, "/auth/session", cookie))).Dispose();
        (await anonymous.PostAsJsonAsync("/auth/session", new { key = wrongSessionKey })).Dispose();
        (await wrong.GetAsync("/detectors")).Dispose();
        (await bearer.GetAsync("/detectors/pi-1")).Dispose();
        (await wrong.GetAsync("/detectors")).Dispose(); // over the failed-authentication limit: 429

        var entries = logs.Lines.ToList();
        Assert.NotEmpty(entries);
        Assert.Contains(entries, e => e.Contains("ApiKey", StringComparison.Ordinal));
        var masterKeys = MasterKeys(api.Services);
        Assert.NotEmpty(masterKeys);
        var cookieValue = SessionCookies.Pair(cookie).Split('=', 2)[1];
        foreach (var secret in new[] { TestKeys.Reader, TestKeys.Admin, wrongKey, wrongSessionKey, cookieValue }.Concat(masterKeys))
        {
            Assert.DoesNotContain(entries, e => e.Contains(secret, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(entries, e => e.Contains("masterKey", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(entries, e => e.StartsWith("Trace ", StringComparison.Ordinal));
    }

    /// <summary>The base64 master key of every key in the API's ring, decrypted as the API itself sees it.</summary>
    private static List<string> MasterKeys(IServiceProvider services) =>
        [.. services.GetRequiredService<IKeyManager>().GetAllKeys()
            .Select(k => k.Descriptor.ExportToXml().SerializedDescriptorElement)
            .SelectMany(e => e.Descendants().Where(d => d.Name.LocalName == "value"))
            .Select(v => v.Value.Trim())
            .Where(v => v.Length > 0)];
}
