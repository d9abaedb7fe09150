using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Api.Testing.Data;
using Fleet.Domain.Messages;
using Fleet.Domain.Ordering;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Data;

/// <summary>
/// <see cref="OrderingRules"/> is the specification of the ordering rule; the guards in the SQL of Ingest/IngestSql are
/// the running copy. For random stored detectors and incoming messages (lower, equal and higher epochs and sequence
/// numbers, every presence, inside and past the reset window) the SQL applies a message exactly when
/// <see cref="OrderingRules.DecideState"/> or <see cref="OrderingRules.DecideStatus"/> says Apply or ApplyAsEpochReset.
/// Run on both providers.
/// </summary>
public sealed class OrderingRulesConformanceTests
{
    private static readonly TimeSpan ResetWindow = TimeSpan.FromMinutes(10);
    private static readonly Presence[] WirePresences = [Presence.Online, Presence.Offline, Presence.Lost];

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task GuardedUpserts_DecideAsOrderingRules(DatabaseProvider provider)
    {
        await using var harness = await WriterHarness.CreateAsync(provider);
        var options = new IngestOptions { ResetWindow = ResetWindow };
        var random = new Random(12);
        for (var i = 0; i < 80; i++)
        {
            var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
            harness.Clock = clock;
            var id = Messages.NewId("ord");

            // What is stored: a state, then maybe a presence (of a lower, the same or a higher epoch), all heard at once.
            var storedAt = clock.GetUtcNow();
            await harness.ApplyAsync(w => w.ApplyStateAsync(id, Messages.State(id, random.Next(2, 5), random.Next(0, 3)), CancellationToken.None), options);
            if (random.Next(2) == 0)
            {
                var seeded = Messages.Status(WirePresences[random.Next(3)], random.Next(1, 6));
                await harness.ApplyAsync(w => w.ApplyStatusAsync(id, seeded, CancellationToken.None), options);
            }

            var stored = (await harness.FindAsync(id))!;
            Assert.True(PresenceNames.TryParse(stored.Status, out var storedPresence));
            clock.Advance(random.Next(2) == 0 ? TimeSpan.FromMinutes(1) : ResetWindow + TimeSpan.FromMinutes(1));
            var now = clock.GetUtcNow();

            Decision expected;
            IngestOutcome outcome;
            string described;
            if (random.Next(2) == 0)
            {
                var incoming = new StateVersion(random.Next(1, 6), random.Next(0, 3));
                expected = OrderingRules.DecideState(new StateVersion(stored.Epoch!.Value, stored.Seq!.Value), storedAt, incoming, now, ResetWindow, stored.StatusEpoch);
                outcome = await harness.ApplyAsync(w => w.ApplyStateAsync(id, Messages.State(id, incoming.Epoch, incoming.Seq), CancellationToken.None), options);
                described = $"state {incoming}";
            }
            else
            {
                var (epoch, presence) = ((long)random.Next(1, 6), WirePresences[random.Next(3)]);
                expected = OrderingRules.DecideStatus(stored.StatusEpoch, storedPresence, storedAt, epoch, presence, now, ResetWindow);
                outcome = await harness.ApplyAsync(w => w.ApplyStatusAsync(id, Messages.Status(presence, epoch), CancellationToken.None), options);
                described = $"status {presence} of epoch {epoch}";
            }

            Assert.True(
                outcome.Applied == (expected != Decision.Stale),
                $"case {i}: stored {stored.Epoch}/{stored.Seq} {stored.Status} of epoch {stored.StatusEpoch}, {now - storedAt} later {described}: OrderingRules says {expected}, the SQL {(outcome.Applied ? "applied it" : "did not")}");
        }
    }
}
