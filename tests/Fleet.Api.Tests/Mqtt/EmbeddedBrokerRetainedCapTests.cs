using System.Net;
using Fleet.Api.Mqtt;
using Fleet.Api.Tests.Security;
using Fleet.Domain.Topics;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Mqtt;

/// <summary>
/// Mqtt:Embedded:MaxRetainedMessages bounds what the embedded broker keeps (in memory and in the database): beyond it a
/// retained publish to a new topic is still delivered (the API ingests it) but not retained, and a warning says so.
/// </summary>
public sealed class EmbeddedBrokerRetainedCapTests
{
    [Fact]
    public async Task RetainedPublish_StoreFull_DeliveredButNotRetained_AndLogged()
    {
        // One slot: the API's own retained presence (fleet/v1/api/status) takes it.
        await using var stack = await EmbeddedBrokerStack.StartAsync("retainedcap", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:MaxRetainedMessages"] = "1",
        });
        var store = stack.Api.Services.GetRequiredService<RetainedStore>();
        await Eventually.TrueAsync(() => Task.FromResult(store.Count == 1), "the API's presence is retained");
        var id = Messages.NewId("rc");
        var password = await stack.Api.ProvisionEmbeddedDetectorAsync(id);
        await using var detector = await MqttTestClient.ConnectAsync(stack.Broker.Host, stack.Broker.Port, id, password);

        var result = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 0)), retain: true);

        Assert.True(result.IsSuccess || result.ReasonCode == MQTTnet.MqttClientPublishReasonCode.NoMatchingSubscribers, result.ReasonCode.ToString());
        using var reader = stack.Api.CreateReader();
        await Eventually.TrueAsync(async () => (await reader.GetAsync($"/detectors/{id}")).StatusCode == HttpStatusCode.OK, "the API received it live");
        Assert.Equal(1, store.Count);
        Assert.Contains(stack.Logs.Lines, l => l.Contains("delivered but not retained", StringComparison.Ordinal) && l.Contains("MaxRetainedMessages", StringComparison.Ordinal));
    }
}
