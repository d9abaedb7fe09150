using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Api.Testing.Data;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Data;

/// <summary>
/// The version guard lives in the SQL statement: whatever order, duplication or concurrency the messages of a
/// history arrive in, the stored detector ends at the newest state. Run on both providers.
/// </summary>
public sealed class GuardedUpsertTests
{
    private abstract record Message;

    private sealed record StateMsg(StateMessage State) : Message;

    private sealed record StatusMsg(StatusMessage Status) : Message;

    [Theory]
    [InlineData(DatabaseProvider.Postgres, 4)]
    [InlineData(DatabaseProvider.Sqlite, 1)]
    public async Task RandomHistory_PermutedWithDuplicatesAndStaleWills_EndsAtNewestState(DatabaseProvider provider, int writers)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        for (var seed = 1; seed <= 12; seed++)
        {
            var random = new Random(seed);
            var id = $"h{seed}-{Guid.NewGuid():N}"[..20];
            var (messages, newest, finalPresence) = History(id, random);
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(messages));

            // Several writers at once, as several API instances behind a shared subscription would be.
            var slices = Enumerable.Range(0, writers).Select(w => messages.Where((_, i) => i % writers == w).ToList());
            await Task.WhenAll(slices.Select(slice => Task.Run(async () =>
            {
                foreach (var message in slice)
                {
                    await harness.ApplyAsync(writer => message switch
                    {
                        StateMsg s => writer.ApplyStateAsync(id, s.State, CancellationToken.None),
                        StatusMsg s => writer.ApplyStatusAsync(id, s.Status, CancellationToken.None),
                        _ => throw new InvalidOperationException(),
                    });
                }
            })));

            var stored = await harness.FindAsync(id);
            Assert.True(stored is not null, $"seed {seed}");
            Assert.True((newest.Epoch, newest.Seq) == (stored.Epoch!.Value, stored.Seq!.Value), $"seed {seed}: stored {stored.Epoch}/{stored.Seq}, newest {newest.Epoch}/{newest.Seq}");
            Assert.True(newest.Tunnels[0].Url == Assert.Single(stored.Tunnels).Url, $"seed {seed}: url");
            Assert.True(finalPresence.ToWire() == stored.Status, $"seed {seed}: status {stored.Status}, expected {finalPresence.ToWire()}");
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task LowerEpoch_IsStaleInsideResetWindow_AndAcceptedAsEpochResetAfterIt(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        harness.Clock = clock;
        var options = new IngestOptions { ResetWindow = TimeSpan.FromMinutes(10) };
        var id = Messages.NewId("reset");
        await harness.ApplyAsync(w => w.ApplyStateAsync(id, Messages.State(id, 12, 40), CancellationToken.None), options);

        clock.Advance(TimeSpan.FromMinutes(9));
        var early = await harness.ApplyAsync(w => w.ApplyStateAsync(id, Messages.State(id, 1, 0, "https://reflashed.ngrok-free.app"), CancellationToken.None), options);
        clock.Advance(TimeSpan.FromMinutes(2));
        var late = await harness.ApplyAsync(w => w.ApplyStateAsync(id, Messages.State(id, 1, 0, "https://reflashed.ngrok-free.app"), CancellationToken.None), options);

        Assert.False(early.Applied);
        Assert.True(late.Applied);
        Assert.Contains(late.Events, e => e.Type == EventTypes.EpochReset);
        var stored = await harness.FindAsync(id);
        Assert.Equal((1L, 0L), (stored!.Epoch!.Value, stored.Seq!.Value));
        Assert.Equal(["registered", "tunnel-added", "epoch-reset", "url-changed"], await harness.EventTypesAsync(id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task EpochReset_OpenedByItsOnlineStatus_AcceptsTheStateThatFollows(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        harness.Clock = clock;
        var id = Messages.NewId("reflash");
        await harness.ApplyAsync(w => w.ApplyStateAsync(id, Messages.State(id, 12, 40), CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(30));

        // A re-flashed card starts again at epoch 1: its `online` comes first and is accepted as a reset...
        var status = await harness.ApplyAsync(w => w.ApplyStatusAsync(id, Messages.Status(Presence.Online, 1), CancellationToken.None));
        clock.Advance(TimeSpan.FromMilliseconds(50));

        // ...and the state of that same connection must follow, although the status just counted as hearing from it.
        var state = await harness.ApplyAsync(w => w.ApplyStateAsync(id, Messages.State(id, 1, 0, "https://reflashed.ngrok-free.app"), CancellationToken.None));

        Assert.True(status.Applied);
        Assert.True(state.Applied);
        var stored = await harness.FindAsync(id);
        Assert.Equal((1L, 0L), (stored!.Epoch!.Value, stored.Seq!.Value));
        Assert.Equal("https://reflashed.ngrok-free.app", Assert.Single(stored.Tunnels).Url);
        Assert.Equal("online", stored.Status);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task UrlChange_IsRecordedAsEvent_AndUnchangedTunnelKeepsItsSince(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var id = Messages.NewId("url");
        StateMessage WithTunnels(long seq, string webUrl) => Messages.State(id, 1, seq) with
        {
            Tunnels =
            [
                new TunnelReport { Name = "web", Url = webUrl, Proto = "https" },
                new TunnelReport { Name = "ssh", Url = "tcp://0.tcp.eu.ngrok.io:12345", Proto = "tcp" },
            ],
        };
        await harness.ApplyAsync(w => w.ApplyStateAsync(id, WithTunnels(0, "https://a.ngrok-free.app"), CancellationToken.None));
        var sshSince = (await harness.FindAsync(id))!.Tunnels.Single(t => t.Name == "ssh").Since;

        var outcome = await harness.ApplyAsync(w => w.ApplyStateAsync(id, WithTunnels(1, "https://b.ngrok-free.app"), CancellationToken.None));

        var change = Assert.Single(outcome.Events);
        Assert.Equal(EventTypes.UrlChanged, change.Type);
        Assert.Equal("https://a.ngrok-free.app", change.Data!["from"]!.GetValue<string>());
        Assert.Equal("https://b.ngrok-free.app", change.Data!["to"]!.GetValue<string>());
        var stored = await harness.FindAsync(id);
        Assert.Equal(sshSince, stored!.Tunnels.Single(t => t.Name == "ssh").Since);
        Assert.Equal("https://b.ngrok-free.app", stored.Tunnels.Single(t => t.Name == "web").Url);
    }

    private static (List<Message> Messages, StateMessage Newest, Presence Final) History(string id, Random random)
    {
        var messages = new List<Message>();
        StateMessage? newest = null;
        var final = Presence.Online;
        var epoch = 0L;
        var connections = random.Next(1, 5);
        for (var c = 0; c < connections; c++)
        {
            epoch += random.Next(1, 3);
            messages.Add(new StatusMsg(Messages.Status(Presence.Online, epoch)));
            var states = random.Next(1, 6);
            for (var seq = 0; seq < states; seq++)
            {
                newest = Messages.State(id, epoch, seq, $"https://e{epoch}-s{seq}.ngrok-free.app");
                messages.Add(new StateMsg(newest));
            }

            final = Presence.Online;
            var ending = random.Next(3);
            if (ending > 0)
            {
                final = ending == 1 ? Presence.Offline : Presence.Lost;
                messages.Add(new StatusMsg(Messages.Status(final, epoch)));
            }

            if (epoch > 1)
            {
                messages.Add(new StatusMsg(Messages.Status(Presence.Lost, epoch - 1)));
            }
        }

        var duplicates = messages.Where(_ => random.NextDouble() < 0.3).ToList();
        messages.AddRange(duplicates);
        return (messages, newest!, final);
    }
}
