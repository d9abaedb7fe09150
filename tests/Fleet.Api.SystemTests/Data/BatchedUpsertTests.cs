using System.Globalization;
using System.Text;
using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Api.Testing.Data;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Data;

/// <summary>
/// A batch must end exactly where applying its messages one at a time in the same order ends: same outcome per
/// message (applied or stale, and the same events), same stored rows, tunnels and history. Random interleaved
/// histories of several detectors (reconnects, stale wills, duplicates, tunnel adds/removes/URL changes, provider
/// errors, agent checks and the reachability summary they move), randomly permuted and cut into random batches, on both providers.
/// </summary>
public sealed class BatchedUpsertTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-28T10:00:00Z", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task RandomHistories_CutIntoRandomBatches_EndWhereOneAtATimeEnds(DatabaseProvider provider)
    {
        await using var single = await WriterHarness.CreateAsync(provider);
        await using var batched = await WriterHarness.CreateAsync(provider);
        var options = new IngestOptions { ResetWindow = TimeSpan.FromMinutes(1) };
        var batches = 0;
        var messages = 0;
        for (var seed = 1; seed <= 8; seed++)
        {
            var random = new Random(seed);
            var ids = Enumerable.Range(0, 6).Select(d => $"b{seed}-{d}-{Guid.NewGuid():N}"[..20]).ToList();
            var writes = ids.SelectMany(id => History(id, random)).ToList();
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(writes));

            // The same clock for both: it moves only between batches, so every message sees the same `now` in both
            // runs, and far enough now and then to pass the reset window.
            var singleClock = new FakeTimeProvider(Start);
            var batchClock = new FakeTimeProvider(Start);
            single.Clock = singleClock;
            batched.Clock = batchClock;
            var expected = new List<IngestOutcome>();
            var actual = new List<IngestOutcome>();
            for (var at = 0; at < writes.Count;)
            {
                var size = Math.Min(writes.Count - at, random.Next(1, 40));
                var batch = writes.GetRange(at, size);
                foreach (var write in batch)
                {
                    expected.Add((await single.ApplyBatchAsync([write], options))[0]);
                }

                actual.AddRange(await batched.ApplyBatchAsync(batch, options));
                var step = TimeSpan.FromSeconds(random.Next(0, 4) == 0 ? 90 : random.Next(0, 5));
                singleClock.Advance(step);
                batchClock.Advance(step);
                at += size;
                batches++;
            }

            messages += writes.Count;
            for (var i = 0; i < writes.Count; i++)
            {
                Assert.True(Describe(expected[i]) == Describe(actual[i]), $"seed {seed}, message {i} ({writes[i]}): one at a time {Describe(expected[i])}, batched {Describe(actual[i])}");
            }

            foreach (var id in ids)
            {
                Assert.Equal(await SnapshotAsync(single, id), await SnapshotAsync(batched, id));
            }
        }

        output.WriteLine($"{provider}: {messages} messages in {batches} random batches matched one-at-a-time application (outcomes, rows, tunnels, events)");
    }

    private static string Describe(IngestOutcome outcome) =>
        outcome.Applied ? "applied[" + string.Join(",", outcome.Events.Select(e => $"{e.Type}{e.Data?.ToJsonString()}")) + "]" : "stale";

    private static async Task<string> SnapshotAsync(WriterHarness harness, string id)
    {
        var row = await harness.FindAsync(id);
        var events = await harness.WithDbAsync(db => db.Events.Where(e => e.DetectorId == id).OrderBy(e => e.Id).Select(e => e.Type + e.Data).ToListAsync());
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{row?.Epoch}/{row?.Seq} {row?.Status}@{row?.StatusEpoch} since {row?.StatusSince:O} seen {row?.LastSeenAt:O} state {row?.StateAt:O} ");
        text.Append(CultureInfo.InvariantCulture, $"error {row?.ProviderError} hash {row?.TunnelsHash} reachability {row?.Reachability} since {row?.ReachabilitySince:O}\n");
        foreach (var t in row?.Tunnels.OrderBy(t => t.Name, StringComparer.Ordinal) ?? Enumerable.Empty<TunnelRecord>())
        {
            text.Append(CultureInfo.InvariantCulture, $"  {t.Name} {t.Url} {t.Proto} since {t.Since:O} check {t.CheckOutcome} {t.CheckCode} {t.CheckHttpStatus} {t.CheckLatencyMs}\n");
        }

        text.AppendJoin('\n', events);
        return text.ToString();
    }

    // One detector's messages in sending order: connections with increasing epochs, states with changing tunnel
    // sets, presence, wills of older connections, and duplicates (redeliveries).
    private static List<IngestWrite> History(string id, Random random)
    {
        var writes = new List<IngestWrite>();
        var epoch = random.Next(0, 3) == 0 ? 50L : 0L;
        for (var c = random.Next(1, 4); c > 0; c--)
        {
            // Sometimes a re-flashed card: the epoch starts again low.
            epoch = random.Next(0, 6) == 0 ? 1 : epoch + random.Next(1, 3);
            writes.Add(IngestWrite.Of(id, Messages.Status(Presence.Online, epoch)));
            for (var seq = 0; seq < random.Next(1, 6); seq++)
            {
                writes.Add(IngestWrite.Of(id, State(id, epoch, seq, random)));
            }

            var ending = random.Next(3);
            if (ending > 0)
            {
                writes.Add(IngestWrite.Of(id, Messages.Status(ending == 1 ? Presence.Offline : Presence.Lost, epoch)));
            }

            if (epoch > 1)
            {
                writes.Add(IngestWrite.Of(id, Messages.Status(Presence.Lost, epoch - 1)));
            }
        }

        writes.AddRange(writes.Where(_ => random.NextDouble() < 0.3).ToList());
        return writes;
    }

    private static StateMessage State(string id, long epoch, long seq, Random random)
    {
        var tunnels = new List<TunnelReport>();
        foreach (var name in new[] { "web", "ssh", "api" })
        {
            if (random.Next(0, 3) > 0)
            {
                // Agent checks (reachability): none (an older agent), answering, or failing, with a latency that
                // changes on every check; only a changed result may be written.
                var check = random.Next(0, 3) switch
                {
                    0 => null,
                    1 => new TunnelCheck { Outcome = CheckOutcomes.Ok, HttpStatus = 200, LatencyMs = random.Next(1, 500) },
                    _ => new TunnelCheck { Outcome = CheckOutcomes.UpstreamDown, Code = "ERR_NGROK_8012", HttpStatus = 502, LatencyMs = random.Next(1, 500) },
                };
                tunnels.Add(new TunnelReport { Name = name, Url = $"https://{name}{random.Next(0, 2)}.ngrok-free.app", Proto = "https", Check = check });
            }
        }

        var state = Messages.State(id, epoch, seq) with { Tunnels = tunnels, SentAt = Start };
        return random.Next(0, 4) == 0
            ? state with { Provider = state.Provider! with { State = "error", Error = $"failed {random.Next(0, 2)}" } }
            : state;
    }
}
