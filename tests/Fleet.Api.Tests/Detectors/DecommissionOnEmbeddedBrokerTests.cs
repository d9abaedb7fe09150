using System.Net;
using System.Net.Http.Json;
using Fleet.Api.Auth;
using Fleet.Api.Mqtt;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Tests.Detectors;

/// <summary>Decommissioning on the embedded broker, which also revokes the credential and drops the live session.</summary>
public sealed class DecommissionOnEmbeddedBrokerTests : DecommissionTests
{
    private readonly string _monitorPassword = SecretHash.NewSecret();

    protected override (string User, string Password) Monitor => ("monitor", _monitorPassword);

    protected override Task<BrokerSettings> StartBrokerAsync() => Task.FromResult(BrokerSettings.ForEmbedded());

    protected override Task<string> ProvisionAsync(string detectorId) => Api.ProvisionEmbeddedDetectorAsync(detectorId);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings() => new Dictionary<string, string?>
    {
        ["Mqtt:Embedded:Monitors:0:Username"] = "monitor",
        ["Mqtt:Embedded:Monitors:0:Password"] = _monitorPassword,
    };

    [Fact]
    public async Task Delete_ConnectedDetector_IsDroppedWithoutItsWill_AndItsCredentialIsRefused()
    {
        var id = Messages.NewId("dr");
        var password = await ProvisionAsync(id);
        using var detector = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(Broker.Host, Broker.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(id)
            .WithCredentials(id, password)
            .WithWillTopic(FleetTopics.Status(id))
            .WithWillPayload(Messages.Json(Messages.Status(Presence.Lost, 3)))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        Assert.Equal(MqttClientConnectResultCode.Success, (await detector.ConnectAsync(options)).ResultCode);
        await detector.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(FleetTopics.State(id))
            .WithPayload(Messages.Json(Messages.State(id, 3, 0))).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag().Build());
        using var reader = Api.CreateReader();
        await Eventually.TrueAsync(async () => (await reader.GetAsync($"/detectors/{id}")).StatusCode == HttpStatusCode.OK, "the detector appears");
        using var admin = Api.CreateAdmin();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/detectors/{id}")).StatusCode);

        await Eventually.TrueAsync(() => Task.FromResult(!detector.IsConnected), "the broker dropped the detector's connection");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => MqttTestClient.ConnectAsync(Broker.Host, Broker.Port, id, password));
        Assert.Contains("BadUserNameOrPassword", refused.Message, StringComparison.Ordinal);
        var credential = await Api.WithDbAsync(db => db.DetectorCredentials.AsNoTracking().SingleAsync(c => c.DetectorId == id));
        Assert.NotNull(credential.RevokedAt);

        // Its will ("lost", retained) was refused: nothing re-creates the status or re-registers the detector.
        Assert.Empty(await RetainedAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"/detectors/{id}")).StatusCode);
    }

    [Fact]
    public async Task ApiIdentity_OnDetectorTopics_MayPublishZeroBytesOnly()
    {
        var (username, password) = Api.Services.GetRequiredService<BrokerCredentialSource>().ForApi();
        await using var api = await MqttTestClient.ConnectAsync(Broker.Host, Broker.Port, username, password, clientId: $"api-probe-{Guid.NewGuid():N}");
        var id = Messages.NewId("zb");

        var content = await api.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 0)));
        var clear = await api.PublishAsync(FleetTopics.State(id), string.Empty);
        var clearStatus = await api.PublishAsync(FleetTopics.Status(id), string.Empty);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, content.ReasonCode);
        Assert.True(clear.IsSuccess || clear.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers, clear.ReasonCode.ToString());
        Assert.True(clearStatus.IsSuccess || clearStatus.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers, clearStatus.ReasonCode.ToString());
        using var reader = Api.CreateReader();
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"/detectors/{id}")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_DescribesDelete_WithNameAndEveryResponse()
    {
        using var http = Api.CreateClient();

        var document = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/openapi/v1.json");

        var delete = document.GetProperty("paths").GetProperty("/detectors/{id}").GetProperty("delete");
        Assert.Equal("DecommissionDetector", delete.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrEmpty(delete.GetProperty("summary").GetString()));
        var responses = delete.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order().ToList();
        Assert.Equal(["204", "400", "401", "403", "404", "429", "503"], responses);
    }
}
