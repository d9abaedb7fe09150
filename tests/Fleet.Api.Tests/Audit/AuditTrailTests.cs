using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Api.Audit;
using Fleet.Api.Testing.Dashboard;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Audit;

/// <summary>
/// The audit trail on each provider: every operator action leaves one entry naming its actor and the client address
/// (as forwarded by a trusted proxy), none holds a secret, only an admin reads it, and the retention prunes it.
/// </summary>
public abstract class AuditTrailTests : IAsyncLifetime
{
    private const string Admin = "test-admin";
    private const string Reader = "test-reader";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));

    protected FleetApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = await CreateSettingsAsync();
        Api = await FleetApiFactory.StartAsync(settings with
        {
            Clock = _clock,
            Extra = new Dictionary<string, string?>
            {
                // The test server is the proxy: X-Forwarded-For then sets the address the entries must show.
                ["Http:TrustedProxies:0"] = "127.0.0.1",
                ["Presence:Enabled"] = "false",
                ["Alerts:Delivery:AllowHttp"] = "false",
            },
        });
    }

    public virtual async Task DisposeAsync() => await Api.DisposeAsync();

    protected abstract Task<FleetApiSettings> CreateSettingsAsync();

    [Fact]
    public async Task OperatorActions_EachOne_LeavesOneEntryWithActorAndAddressAndNoSecret()
    {
        var id = Messages.NewId("au");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        var secrets = new List<string> { TestKeys.Admin, TestKeys.Reader };
        using var admin = Client(TestKeys.Admin, "203.0.113.7");
        using var reader = Client(TestKeys.Reader, "198.51.100.9");

        // Sign-in and sign-out, through the browser's path (no key header afterwards, the cookie only).
        using var browser = Api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", "192.0.2.44");
        var (signIn, cookie) = await SessionCookies.SignInAsync(browser, TestKeys.Reader);
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        using var signOut = await browser.SendAsync(SessionCookies.Request(HttpMethod.Delete, "/auth/session", cookie!));
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);

        using var patch = await admin.PatchAsJsonAsync($"/detectors/{id}", new { name = "Lab door", tags = new[] { "lab" } });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);

        using var provision = await admin.PostAsync($"/detectors/{id}/credentials", content: null);
        Assert.Equal(HttpStatusCode.Created, provision.StatusCode);
        secrets.Add((await provision.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password").GetString()!);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/detectors/{id}/credentials")).StatusCode);

        using var destination = await admin.PostAsJsonAsync("/alerts/destinations", new { type = "webhook", name = "ops", url = "https://hooks.example.com/fleet?token=url-secret-1" });
        Assert.Equal(HttpStatusCode.Created, destination.StatusCode);
        var created = await destination.Content.ReadFromJsonAsync<JsonElement>();
        var destinationId = created.GetProperty("id").GetInt64();
        secrets.Add(created.GetProperty("signingSecret").GetString()!);
        secrets.Add("url-secret-1");
        using var rotate = await admin.PatchAsJsonAsync($"/alerts/destinations/{destinationId}", new { rotateSecret = true, url = "https://hooks.example.com/fleet?token=url-secret-2" });
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        secrets.Add((await rotate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signingSecret").GetString()!);
        secrets.Add("url-secret-2");

        using var rule = await admin.PostAsJsonAsync("/alerts/rules", new { name = "lab lost", events = new[] { "lost" }, destinationIds = new[] { destinationId } });
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
        var ruleId = (await rule.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/alerts/rules/{ruleId}", new { name = "lab offline", events = new[] { "offline" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/alerts/rules/{ruleId}")).StatusCode);

        var endsAt = _clock.GetUtcNow().AddHours(1);
        using var silence = await admin.PostAsJsonAsync("/alerts/silences", new { tags = new[] { "lab" }, endsAt });
        Assert.Equal(HttpStatusCode.Created, silence.StatusCode);
        var silenceId = (await silence.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/alerts/silences/{silenceId}", new { tags = new[] { "lab" }, endsAt = endsAt.AddHours(1) })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/alerts/silences/{silenceId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/alerts/destinations/{destinationId}")).StatusCode);

        using var noRedirect = Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        noRedirect.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Reader);
        noRedirect.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.9");
        Assert.Equal(HttpStatusCode.Found, (await noRedirect.GetAsync($"/d/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/detectors/{id}")).StatusCode);

        // Link opens are written in the background: wait for that one, then everything else is already there.
        await Eventually.TrueAsync(async () => (await EntriesAsync($"action={AuditActions.LinkOpen}&detector={id}")).Count == 1, "the link open recorded");
        var expected = new (string Action, string? Target, string Actor, string Address)[]
        {
            (AuditActions.SignIn, null, Reader, "192.0.2.44"),
            (AuditActions.SignOut, null, Reader, "192.0.2.44"),
            (AuditActions.DetectorUpdate, id, Admin, "203.0.113.7"),
            (AuditActions.CredentialProvision, id, Admin, "203.0.113.7"),
            (AuditActions.CredentialRevoke, id, Admin, "203.0.113.7"),
            (AuditActions.DestinationCreate, $"destination:{destinationId}", Admin, "203.0.113.7"),
            (AuditActions.DestinationUpdate, $"destination:{destinationId}", Admin, "203.0.113.7"),
            (AuditActions.DestinationDelete, $"destination:{destinationId}", Admin, "203.0.113.7"),
            (AuditActions.RuleCreate, $"rule:{ruleId}", Admin, "203.0.113.7"),
            (AuditActions.RuleReplace, $"rule:{ruleId}", Admin, "203.0.113.7"),
            (AuditActions.RuleDelete, $"rule:{ruleId}", Admin, "203.0.113.7"),
            (AuditActions.SilenceCreate, $"silence:{silenceId}", Admin, "203.0.113.7"),
            (AuditActions.SilenceReplace, $"silence:{silenceId}", Admin, "203.0.113.7"),
            (AuditActions.SilenceDelete, $"silence:{silenceId}", Admin, "203.0.113.7"),
            (AuditActions.LinkOpen, id, Reader, "198.51.100.9"),
            (AuditActions.DetectorDecommission, id, Admin, "203.0.113.7"),
        };
        var all = await EntriesAsync("limit=1000");
        Assert.Equal(expected.Select(e => e.Action).Order(StringComparer.Ordinal), all.Select(e => e.GetProperty("action").GetString()!).Order(StringComparer.Ordinal));
        foreach (var (action, target, actor, address) in expected)
        {
            var entry = Assert.Single(all, e => e.GetProperty("action").GetString() == action);
            Assert.Equal(target, entry.GetProperty("target").GetString());
            Assert.Equal(actor, entry.GetProperty("actor").GetString());
            Assert.Equal(address, entry.GetProperty("address").GetString());
        }

        Assert.Equal(expected.Length, all.Count);
        var update = Assert.Single(all, e => e.GetProperty("action").GetString() == AuditActions.DetectorUpdate);
        Assert.Equal("""{"name":null,"tags":[]}""", update.GetProperty("before").GetRawText());
        Assert.Equal("""{"name":"Lab door","tags":["lab"]}""", update.GetProperty("after").GetRawText());

        // No secret in any column of the table, nor in what GET /audit answers.
        var table = await Api.WithDbAsync(db => db.Set<AuditRecord>().AsNoTracking().ToListAsync());
        var stored = JsonSerializer.Serialize(table);
        var answered = JsonSerializer.Serialize(all);
        Assert.Equal(expected.Length, table.Count);
        Assert.All(secrets, secret =>
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, answered, StringComparison.Ordinal);
        });
        Assert.DoesNotContain("whsec_", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_ReaderKeyOrBadFilter_Is403Or400()
    {
        using var reader = Client(TestKeys.Reader, "198.51.100.9");
        using var admin = Client(TestKeys.Admin, "203.0.113.7");

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.CreateClient().GetAsync("/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/audit?since=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/audit?action=detector.explode")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/audit?after=%%%")).StatusCode);
    }

    [Fact]
    public async Task Audit_DetectorFilterAndSince_PagesThroughItsTimelineNewestFirst()
    {
        var id = Messages.NewId("at");
        var other = Messages.NewId("ao");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        await Api.WriteStateAsync(Messages.State(other, 1, 0));
        using var admin = Client(TestKeys.Admin, "203.0.113.7");
        var t0 = _clock.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/detectors/{id}", new { notes = $"note {i}" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/detectors/{other}", new { notes = $"note {i}" })).StatusCode);
        }

        var notes = new List<string>();
        var next = $"/audit?detector={id}&limit=2&since={Uri.EscapeDataString(t0.AddMinutes(2).ToString("O"))}";
        while (next is not null)
        {
            using var page = await admin.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            foreach (var entry in (await page.Content.ReadFromJsonAsync<List<JsonElement>>())!)
            {
                Assert.Equal(id, entry.GetProperty("detectorId").GetString());
                notes.Add(entry.GetProperty("after").GetProperty("notes").GetString()!);
            }

            next = page.Headers.TryGetValues("Link", out var links) ? links.Single().Split(';')[0].Trim('<', '>') : null;
        }

        Assert.Equal(["note 4", "note 3", "note 2", "note 1"], notes);
    }

    [Fact]
    public async Task Cleanup_EntriesOlderThanRetention_AreDeleted()
    {
        // Written as they would have been 91 and 89 days ago: advancing the API's clock by months would fire every
        // periodic loop of the host (and the cleanup's own, racing this call).
        var id = Messages.NewId("ar");
        var now = _clock.GetUtcNow();
        await Api.WithDbAsync(async db =>
        {
            db.AddRange(
                new AuditRecord { At = now - TimeSpan.FromDays(91), Actor = Admin, Action = AuditActions.DetectorUpdate, Target = id, DetectorId = id, After = """{"notes":"old"}""" },
                new AuditRecord { At = now - TimeSpan.FromDays(89), Actor = Admin, Action = AuditActions.DetectorUpdate, Target = id, DetectorId = id, After = """{"notes":"new"}""" });
            return await db.SaveChangesAsync();
        });

        await Api.Services.GetRequiredService<AuditCleanupService>().RunOnceAsync(CancellationToken.None);

        var left = await EntriesAsync($"detector={id}");
        Assert.Equal("new", Assert.Single(left).GetProperty("after").GetProperty("notes").GetString());
    }

    private HttpClient Client(string key, string forwardedFor)
    {
        var client = Api.CreateWithKey(key);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return client;
    }

    private async Task<List<JsonElement>> EntriesAsync(string query)
    {
        using var admin = Api.CreateAdmin();
        return (await admin.GetFromJsonAsync<List<JsonElement>>($"/audit?{query}"))!;
    }
}
