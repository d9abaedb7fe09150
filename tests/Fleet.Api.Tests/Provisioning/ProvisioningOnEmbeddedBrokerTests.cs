using System.Net;
using System.Text.Json;
using Fleet.Api.Auth;
using Fleet.Domain.Topics;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Tests.Provisioning;

/// <summary>POST and DELETE /detectors/{id}/credentials with the embedded broker, on a real PostgreSQL database.</summary>
public sealed class ProvisioningOnEmbeddedBrokerTests : IAsyncLifetime
{
    private FleetApiFactory _api = null!;
    private BrokerSettings _broker = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("provisioning");
        _broker = BrokerSettings.ForEmbedded();
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, _broker));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Provision_ReturnsCredentialThatConnects_AndItsStateAppears()
    {
        var id = Messages.NewId("pv");
        using var admin = _api.CreateAdmin();

        var response = await admin.PostAsync($"/detectors/{id}/credentials", content: null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(id, body.GetProperty("detectorId").GetString());
        Assert.Equal(id, body.GetProperty("username").GetString());
        var password = body.GetProperty("password").GetString()!;
        Assert.True(Convert.FromBase64String(password.Replace('-', '+').Replace('_', '/')).Length * 8 >= 192);
        var mqtt = body.GetProperty("agentConfig").GetProperty("Agent").GetProperty("Mqtt");
        Assert.Equal(id, body.GetProperty("agentConfig").GetProperty("Agent").GetProperty("DetectorId").GetString());
        Assert.Equal("localhost", mqtt.GetProperty("Host").GetString());
        Assert.Equal(_broker.Port, mqtt.GetProperty("Port").GetInt32());
        Assert.False(mqtt.GetProperty("UseTls").GetBoolean());
        Assert.Equal($"mqtt://localhost:{_broker.Port}", Assert.Single(mqtt.GetProperty("Endpoints").EnumerateArray()).GetString());
        Assert.Contains("plain MQTT", body.GetProperty("warning").GetString(), StringComparison.Ordinal);
        Assert.Equal(id, mqtt.GetProperty("Username").GetString());
        Assert.False(mqtt.TryGetProperty("Password", out _), "the password is not repeated inside agentConfig");
        var stored = await _api.WithDbAsync(db => db.DetectorCredentials.AsNoTracking().SingleAsync(c => c.DetectorId == id));
        Assert.Equal(SecretHash.Sha256Hex(password), stored.SecretHash);
        Assert.Null(stored.RevokedAt);

        await using var detector = await MqttTestClient.ConnectAsync(_broker.Host, _broker.Port, id, password, clientId: id);
        var published = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 0)));

        Assert.True(published.IsSuccess, published.ReasonCode.ToString());
        using var reader = _api.CreateReader();
        await Eventually.TrueAsync(async () => (await reader.GetAsync($"/detectors/{id}")).StatusCode == HttpStatusCode.OK, "the detector appears");
    }

    [Fact]
    public async Task Provision_Again_RotatesTheSecret_OldOneIsRefused()
    {
        var id = Messages.NewId("ro");
        var first = await ProvisionAsync(id);
        await using var old = await MqttTestClient.ConnectAsync(_broker.Host, _broker.Port, id, first, clientId: id);

        var second = await ProvisionAsync(id);

        Assert.NotEqual(first, second);
        await Eventually.TrueAsync(() => Task.FromResult(!old.Client.IsConnected), "the rotation dropped the old secret's connection");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => MqttTestClient.ConnectAsync(_broker.Host, _broker.Port, id, first));
        Assert.Contains("BadUserNameOrPassword", refused.Message, StringComparison.Ordinal);
        await using var renewed = await MqttTestClient.ConnectAsync(_broker.Host, _broker.Port, id, second, clientId: id);
        Assert.True(renewed.Client.IsConnected);
    }

    [Fact]
    public async Task Revoke_ConnectedDetector_IsCutOff_AndCannotReconnect()
    {
        var id = Messages.NewId("rv");
        var password = await ProvisionAsync(id);
        await using var detector = await MqttTestClient.ConnectAsync(_broker.Host, _broker.Port, id, password, clientId: id);
        using var admin = _api.CreateAdmin();

        var revoke = await admin.DeleteAsync($"/detectors/{id}/credentials");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(!detector.Client.IsConnected), "the broker dropped the detector's connection");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => MqttTestClient.ConnectAsync(_broker.Host, _broker.Port, id, password));
        Assert.Contains("BadUserNameOrPassword", refused.Message, StringComparison.Ordinal);
        var stored = await _api.WithDbAsync(db => db.DetectorCredentials.AsNoTracking().SingleAsync(c => c.DetectorId == id));
        Assert.NotNull(stored.RevokedAt);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/detectors/{id}/credentials")).StatusCode);
    }

    [Theory]
    [InlineData("api-1")]
    [InlineData("monitor")]
    [InlineData("admin-x")]
    [InlineData("Pi_1")]
    [InlineData("-pi")]
    public async Task Provision_ReservedOrInvalidId_Is400(string id)
    {
        using var admin = _api.CreateAdmin();

        var response = await admin.PostAsync($"/detectors/{Uri.EscapeDataString(id)}/credentials", content: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(await _api.WithDbAsync(db => db.DetectorCredentials.AnyAsync(c => c.DetectorId == id)));
    }

    [Fact]
    public async Task Credentials_ReaderIs403_NoKeyIs401()
    {
        var id = Messages.NewId("au");
        using var reader = _api.CreateReader();
        using var anonymous = _api.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync($"/detectors/{id}/credentials", content: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync($"/detectors/{id}/credentials")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/detectors/{id}/credentials", content: null)).StatusCode);
        Assert.False(await _api.WithDbAsync(db => db.DetectorCredentials.AnyAsync(c => c.DetectorId == id)));
    }

    private async Task<string> ProvisionAsync(string id)
    {
        using var admin = _api.CreateAdmin();
        var response = await admin.PostAsync($"/detectors/{id}/credentials", content: null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("password").GetString()!;
    }
}
