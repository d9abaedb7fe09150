using Fleet.Domain.Topics;

namespace Fleet.Api.Tests.Hostile;

/// <summary>
/// Issue 11, finding 5, at ingest: with no allow-list at all (the default outside Production), a detector publishing a
/// private or loopback-named URL through the broker is refused and counted, and its stored URL stays as it was.
/// </summary>
public sealed class HostileUrlIngestTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    public static TheoryData<string> RefusedUrls => HostileHttpCorpus.RefusedLinkUrls;

    [Theory]
    [MemberData(nameof(RefusedUrls))]
    public async Task Ingest_PrivateOrLoopbackUrlWithoutAllowList_IsRejectedAndCounted(string url)
    {
        var api = fixture.Api;
        var id = Messages.NewId("hi");
        var password = await api.ProvisionEmbeddedDetectorAsync(id);
        await using var detector = await MqttTestClient.ConnectAsync("127.0.0.1", api.Settings.Broker.Port, id, password, clientId: id);
        await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 0)));
        await Eventually.TrueAsync(async () => (await api.FindDetectorAsync(id))?.Seq == 0, "the first valid state is stored");
        var rejected = api.Metrics.RejectedTotal;

        await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 1, url)));

        await Eventually.TrueAsync(() => Task.FromResult(api.Metrics.RejectedTotal > rejected), $"{url} is rejected");
        var stored = await api.FindDetectorAsync(id);
        Assert.Equal(0, stored!.Seq);
        Assert.Equal("https://ab12cd34.ngrok-free.app", Assert.Single(stored.Tunnels).Url);
    }
}
