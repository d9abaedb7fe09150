using Fleet.Domain.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// Issue 11, finding 2: the embedded broker never buffers what a packet header declares before checking it against a
/// limit: a small one before the CONNECT is accepted, <c>Mqtt:Embedded:MaxPacketSize</c> after.
/// </summary>
public sealed class EmbeddedBrokerPacketSizeTests
{
    private const int LargestRemainingLength = 268_435_455;

    [Fact]
    public async Task Connect_DeclaringTheLargestPacket_IsClosedWithoutBeingRead()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var stack = await EmbeddedBrokerStack.StartAsync("broker_huge_connect", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:ConnectTimeout"] = "00:02:00",
        });
        using var connection = await RawMqttConnection.OpenAsync(stack.Broker.Port, "127.0.0.2", ct);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        Assert.True(await connection.TrySendAsync(RawMqttConnection.FixedHeader(0x10, LargestRemainingLength), ct));

        Assert.True(await connection.WaitClosedAsync(TimeSpan.FromSeconds(20), ct), "the broker closes the connection");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.True(allocated < LargestRemainingLength, $"{allocated} bytes were allocated meanwhile (the declared packet is {LargestRemainingLength})");
    }

    [Fact]
    public async Task Publish_LargerThanMaxPacketSize_EndsTheConnection()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var stack = await EmbeddedBrokerStack.StartAsync("broker_max_packet");
        var id = Messages.NewId("big");
        var password = await stack.Api.ProvisionEmbeddedDetectorAsync(id);
        var (client, result) = await stack.ConnectAsync(id, password, id, cleanStart: true, ct);
        using var _ = client;
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);

        var message = new MqttApplicationMessageBuilder().WithTopic(FleetTopics.State(id)).WithPayload(new byte[1024 * 1024])
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        await Assert.ThrowsAnyAsync<Exception>(() => client.PublishAsync(message, ct));

        await Eventually.TrueAsync(() => Task.FromResult(!client.IsConnected), "the broker dropped the connection");
    }
}
