using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fleet.Api.Tests.Relays;

/// <summary>The relays the relay tests configure, and provisioning for a relay through the admin endpoint.</summary>
internal static class RelayTestApi
{
    /// <summary>edge: a roomy range; tiny: two ports (to fill up); single: one port (to release and hand out again).</summary>
    public static Dictionary<string, string?> Relays() => new()
    {
        ["Relay:Relays:0:Name"] = "edge",
        ["Relay:Relays:0:Host"] = "relay.example.org",
        ["Relay:Relays:0:SshPort"] = "2222",
        ["Relay:Relays:0:User"] = "fleet-relay",
        ["Relay:Relays:0:PortRange"] = "20000-20999",
        ["Relay:Relays:1:Name"] = "tiny",
        ["Relay:Relays:1:Host"] = "tiny.example.org",
        ["Relay:Relays:1:PortRange"] = "21000-21001",
        ["Relay:Relays:2:Name"] = "single",
        ["Relay:Relays:2:Host"] = "single.example.org",
        ["Relay:Relays:2:PortRange"] = "21100-21100",
    };

    public static Task<HttpResponseMessage> ProvisionAsync(HttpClient admin, string id, string? relay, string? publicKey = null, CancellationToken ct = default) =>
        relay is null && publicKey is null
            ? admin.PostAsync($"/detectors/{id}/credentials", content: null, ct)
            : admin.PostAsJsonAsync($"/detectors/{id}/credentials", new { relay, sshPublicKey = publicKey }, ct);

    /// <summary>Provisions for <paramref name="relay"/> and returns the answer's port, checking it is the agent configuration's too.</summary>
    public static async Task<int> PortAsync(HttpClient admin, string id, string? relay, CancellationToken ct = default)
    {
        using var response = await ProvisionAsync(admin, id, relay, ct: ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{id}: {(int)response.StatusCode} {text}");
        var body = JsonDocument.Parse(text).RootElement;
        var port = body.GetProperty("relay").GetProperty("port").GetInt32();
        Assert.Equal(port, body.GetProperty("agentConfig").GetProperty("Agent").GetProperty("ReverseSsh").GetProperty("RemotePort").GetInt32());
        return port;
    }
}
