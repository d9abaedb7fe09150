using System.Net;
using System.Text.Json;

namespace Fleet.Api.Tests.Hostile;

/// <summary>
/// Issue 11, finding 9: a spoofed Host header never reaches a provisioned agent configuration. With
/// Provisioning:BrokerHost the configured name is written whatever the Host says; with AllowedHosts the framework's
/// host filtering refuses a foreign Host before provisioning runs.
/// </summary>
public sealed class HostileHostHeaderTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    [Fact]
    public async Task Provision_SpoofedHostWithBrokerHost_WritesTheConfiguredHost()
    {
        await using var api = new FleetApiFactory(fixture.Api.Settings with
        {
            Broker = BrokerSettings.ForEmbedded(),
            Extra = new Dictionary<string, string?> { ["Provisioning:BrokerHost"] = "mqtt.fleet.example.org" },
        });

        var (status, body) = await ProvisionAsync(api, "evil.example.com");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("mqtt.fleet.example.org", MqttHost(body));
    }

    [Fact]
    public async Task Provision_WithAllowedHosts_UsesTheVettedHost_AndRefusesAForeignOne()
    {
        await using var api = new FleetApiFactory(fixture.Api.Settings with
        {
            Broker = BrokerSettings.ForEmbedded(),
            Extra = new Dictionary<string, string?> { ["AllowedHosts"] = "fleet.example.org" },
        });

        var (vetted, body) = await ProvisionAsync(api, "fleet.example.org");
        var (foreign, _) = await ProvisionAsync(api, "evil.example.com");

        Assert.Equal(HttpStatusCode.Created, vetted);
        Assert.Equal("fleet.example.org", MqttHost(body));
        Assert.Equal(HttpStatusCode.BadRequest, foreign);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ProvisionAsync(FleetApiFactory api, string host)
    {
        using var admin = api.CreateAdmin();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/detectors/{Messages.NewId("hh")}/credentials");
        request.Headers.Host = host;
        var response = await admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        // Host filtering answers a foreign Host with its own (HTML) 400 page, before any endpoint runs.
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonSerializer.Deserialize<JsonElement>(text) : default);
    }

    private static string? MqttHost(JsonElement body) =>
        body.GetProperty("agentConfig").GetProperty("Agent").GetProperty("Mqtt").GetProperty("Host").GetString();
}
