using System.Net;
using System.Text.Json;
using Fleet.Api.Relays;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Tests.Relays;

/// <summary>
/// Relay ports handed out with provisioning, by two API instances on one PostgreSQL database: unique under concurrent
/// provisioning, the same port again for the same detector, released on decommission, a clear problem when used up.
/// </summary>
public sealed class RelayPortAllocationTests : IAsyncLifetime
{
    private FleetApiFactory _a = null!;
    private FleetApiFactory _b = null!;

    public async Task InitializeAsync()
    {
        var database = await MigratedDatabase.CreateAsync("relay");
        _a = await FleetApiFactory.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = RelayTestApi.Relays() });
        _b = await FleetApiFactory.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = RelayTestApi.Relays() });
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Provision_ManyAtOnceOnTwoInstances_EveryDetectorGetsItsOwnPortAndADetectorOnlyOne()
    {
        using var adminA = _a.CreateAdmin();
        using var adminB = _b.CreateAdmin();
        var ids = Enumerable.Range(0, 24).Select(_ => Messages.NewId("cc")).ToList();
        var twice = Messages.NewId("tw");

        var ports = await Task.WhenAll(ids.Select((id, i) => RelayTestApi.PortAsync(i % 2 == 0 ? adminA : adminB, id, "edge")));
        var twicePorts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => RelayTestApi.PortAsync(i % 2 == 0 ? adminA : adminB, twice, "edge")));

        Assert.Equal(ids.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 20000, 20999));
        Assert.Single(twicePorts.Distinct());
        Assert.DoesNotContain(twicePorts[0], ports);
        var stored = await _a.WithDbAsync(db => db.Set<RelayPortRecord>().AsNoTracking().Where(p => p.Relay == "edge").ToListAsync());
        Assert.Equal(ids.Count + 1, stored.Count);
        Assert.Equal(ports.Order(), stored.Where(p => ids.Contains(p.DetectorId)).Select(p => p.Port).Order());
    }

    [Fact]
    public async Task Provision_Again_OnTheOtherInstanceWithoutABody_KeepsThePortAndTheReverseSshConfiguration()
    {
        var id = Messages.NewId("rp");
        using var adminA = _a.CreateAdmin();
        using var adminB = _b.CreateAdmin();
        var first = await RelayTestApi.PortAsync(adminA, id, "edge");

        var again = await RelayTestApi.PortAsync(adminB, id, "edge");
        using var rotation = await RelayTestApi.ProvisionAsync(adminB, id, relay: null);

        Assert.Equal(first, again);
        Assert.Equal(HttpStatusCode.Created, rotation.StatusCode);
        var agent = JsonDocument.Parse(await rotation.Content.ReadAsStringAsync()).RootElement.GetProperty("agentConfig").GetProperty("Agent");
        Assert.Equal("reverse-ssh", agent.GetProperty("Provider").GetString());
        var ssh = agent.GetProperty("ReverseSsh");
        Assert.Equal("relay.example.org", ssh.GetProperty("Relay").GetString());
        Assert.Equal("fleet-relay", ssh.GetProperty("User").GetString());
        Assert.Equal(2222, ssh.GetProperty("RelayPort").GetInt32());
        Assert.Equal(first, ssh.GetProperty("RemotePort").GetInt32());
    }

    [Fact]
    public async Task Provision_WithThePublicKey_AnswersTheExactAddKeyCommandAndAuthorizedKeysLine()
    {
        var id = Messages.NewId("pk");
        const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBxgWqPOz3n5hR4oCuWrsUeThn1OC8ZXIBVDnpqkbOkv pi@lab 'quoted'";
        using var admin = _a.CreateAdmin();

        using var response = await RelayTestApi.ProvisionAsync(admin, id, "edge", Key);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var relay = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("relay");
        var port = relay.GetProperty("port").GetInt32();
        const string Bare = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBxgWqPOz3n5hR4oCuWrsUeThn1OC8ZXIBVDnpqkbOkv";
        Assert.Equal($"printf '%s\\n' '{Bare}' > {id}.pub && sudo ./install.sh add-key --detector {id} --port {port} --key {id}.pub",
            relay.GetProperty("addKeyCommand").GetString());
        Assert.Equal($"restrict,port-forwarding,permitlisten=\"{port}\",command=\"/bin/false\" {Bare} fleet:{id}", relay.GetProperty("authorizedKeysLine").GetString());
        Assert.Equal("relay.example.org", relay.GetProperty("host").GetString());
    }

    [Theory]
    [InlineData("{\"relay\":\"nowhere\"}", "relay")]
    [InlineData("{\"relay\":\"edge\",\"sshPublicKey\":\"-----BEGIN OPENSSH PRIVATE KEY-----\"}", "sshPublicKey")]
    [InlineData("{\"relay\":\"edge\",\"sshPublicKey\":\"ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ\"}", "sshPublicKey")]
    [InlineData("{\"sshPublicKey\":\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBxgWqPOz3n5hR4oCuWrsUeThn1OC8ZXIBVDnpqkbOkv\"}", "relay")]
    public async Task Provision_BadRelayRequest_Is400NamingTheField_AndNoCredentialNorPort(string body, string field)
    {
        var id = Messages.NewId("bd");
        using var admin = _a.CreateAdmin();

        using var response = await admin.PostAsync($"/detectors/{id}/credentials", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty(field, out _), field);
        Assert.False(await _a.WithDbAsync(db => db.DetectorCredentials.AnyAsync(c => c.DetectorId == id)));
        Assert.False(await _a.WithDbAsync(db => db.Set<RelayPortRecord>().AnyAsync(p => p.DetectorId == id)));
    }

    [Fact]
    public async Task Provision_RangeUsedUp_Is409NamingTheRangeAndKeepsTheCurrentPassword()
    {
        using var admin = _a.CreateAdmin();
        await RelayTestApi.PortAsync(admin, Messages.NewId("f1"), "tiny");
        await RelayTestApi.PortAsync(_b.CreateAdmin(), Messages.NewId("f2"), "tiny");
        var late = Messages.NewId("f3");
        using (var plain = await RelayTestApi.ProvisionAsync(admin, late, relay: null))
        {
            Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        }

        var before = await _a.WithDbAsync(db => db.DetectorCredentials.AsNoTracking().SingleAsync(c => c.DetectorId == late));

        using var full = await RelayTestApi.ProvisionAsync(admin, late, "tiny");

        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
        Assert.Contains("21000-21001", await full.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var after = await _a.WithDbAsync(db => db.DetectorCredentials.AsNoTracking().SingleAsync(c => c.DetectorId == late));
        Assert.Equal(before.SecretHash, after.SecretHash);
    }

    [Fact]
    public async Task Decommission_ReleasesThePort_WhichTheNextProvisioningGets()
    {
        using var admin = _a.CreateAdmin();
        var first = Messages.NewId("d1");
        var next = Messages.NewId("d2");
        Assert.Equal(21100, await RelayTestApi.PortAsync(admin, first, "single"));
        await _a.WriteStateAsync(Messages.State(first, 1, 0));
        using (var refused = await RelayTestApi.ProvisionAsync(admin, next, "single"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        var shown = JsonDocument.Parse(await admin.GetStringAsync($"/detectors/{first}")).RootElement.GetProperty("relay");
        Assert.Equal("single", shown.GetProperty("relay").GetString());
        Assert.Equal(21100, shown.GetProperty("port").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await _b.CreateAdmin().DeleteAsync($"/detectors/{first}")).StatusCode);

        Assert.Equal(21100, await RelayTestApi.PortAsync(admin, next, "single"));
        Assert.False(await _a.WithDbAsync(db => db.Set<RelayPortRecord>().AnyAsync(p => p.DetectorId == first)));
    }

    [Fact]
    public async Task Decommission_ProvisionedButNeverOnline_ReleasesThePortAndRevokesTheCredential_ThenAnswers404()
    {
        using var admin = _a.CreateAdmin();
        var never = Messages.NewId("nv");
        var next = Messages.NewId("nx");
        Assert.Equal(21100, await RelayTestApi.PortAsync(admin, never, "single"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/detectors/{never}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/detectors/{never}")).StatusCode);

        Assert.Equal(21100, await RelayTestApi.PortAsync(admin, next, "single"));
        var credential = await _a.WithDbAsync(db => db.DetectorCredentials.AsNoTracking().SingleAsync(c => c.DetectorId == never));
        Assert.NotNull(credential.RevokedAt);
    }

    [Fact]
    public async Task RelayPorts_ListedForAdmins_RefusedToReaders()
    {
        var id = Messages.NewId("ls");
        using var admin = _a.CreateAdmin();
        var port = await RelayTestApi.PortAsync(admin, id, "edge");

        var ports = JsonDocument.Parse(await admin.GetStringAsync("/relays/edge/ports")).RootElement.EnumerateArray().ToList();
        var relays = JsonDocument.Parse(await admin.GetStringAsync("/relays")).RootElement.EnumerateArray().ToList();

        Assert.Contains(ports, p => p.GetProperty("detectorId").GetString() == id && p.GetProperty("port").GetInt32() == port);
        var edge = Assert.Single(relays, r => r.GetProperty("name").GetString() == "edge");
        Assert.Equal(1000, edge.GetProperty("capacity").GetInt32());
        Assert.True(edge.GetProperty("allocated").GetInt32() >= 1);
        using var reader = _a.CreateReader();
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/relays/edge/ports")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/relays/nowhere/ports")).StatusCode);
    }
}
