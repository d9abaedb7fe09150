using Fleet.Api.Ingest;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Fleet.Api.Tests.Ingest;

/// <summary>
/// One message the database refuses (an id longer than the column holds: SQL state 22001) inside a batch: the
/// batch's transaction fails, the batch is applied again one message at a time, and only that message is dropped
/// (counted as rejected); the messages before and after it, of the same and other detectors, are stored.
/// </summary>
public sealed class PoisonBatchTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FleetApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("poison");
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task PoisonMessage_InsideBatch_IsDroppedAlone_AndTheRestOfTheBatchIsStored()
    {
        var ingest = _api.Services.GetServices<IHostedService>().OfType<IngestService>().Single();
        var a = Messages.NewId("pa");
        var b = Messages.NewId("pb");
        var poison = "p" + new string('x', 70);
        static IngestItem State(string id, long seq) =>
            new IngestItem.State(FleetTopics.State(id), id, Messages.State(id, 1, seq, $"https://{id[..8]}-{seq}.ngrok-free.app"), null);
        var rejectedBefore = _api.Metrics.RejectedTotal;
        var appliedBefore = _api.Metrics.AppliedTotal;

        await ingest.HandleBatchAsync(
            [State(a, 0), State(b, 0), State(poison, 0), State(a, 1), new IngestItem.Status(FleetTopics.Status(b), b, Messages.Status(Presence.Offline, 1), null)],
            CancellationToken.None);

        var storedA = await _api.FindDetectorAsync(a);
        var storedB = await _api.FindDetectorAsync(b);
        var rejected = _api.Metrics.RejectedTotal - rejectedBefore;
        var applied = _api.Metrics.AppliedTotal - appliedBefore;
        output.WriteLine($"injected: a batch of 5 with a {poison.Length}-character detector id third; observed: rejected {rejected}, applied {applied}, a seq {storedA?.Seq}, b {storedB?.Status}");
        Assert.Equal(1, rejected);
        Assert.Equal(4, applied);
        Assert.Equal(1, storedA?.Seq);
        Assert.Equal($"https://{a[..8]}-1.ngrok-free.app", Assert.Single(storedA!.Tunnels).Url);
        Assert.Equal("offline", storedB?.Status);
        Assert.Null(await _api.FindDetectorAsync(poison[..63]));
    }
}
