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
/// numbers, every presence, inside and past the reset window, without an instance, of the stored instance, of the
/// one it replaced, of a new one, after a new life's presence came first) the SQL applies a message exactly when
/// <see cref="OrderingRules.DecideState"/> or <see cref="OrderingRules.DecideStatus"/> says Apply or ApplyAsEpochReset,
/// keeps the instances as <see cref="Lives.After"/> and the state's life as <see cref="OrderingRules.StateIsCurrentAfter"/> say, and makes the detector online as
/// <see cref="OrderingRules.StartsConnection"/> says. Run on both providers.
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
        for (var i = 0; i < 160; i++)
        {
            var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
            harness.Clock = clock;
            var id = Messages.NewId("ord");

            // What is stored, all heard at once: a state (of an older agent or of life A), maybe a second life B (its
            // state, or only its presence), then maybe a presence of the stored life.
            var storedAt = clock.GetUtcNow();
            var first = random.Next(2) == 0 ? null : "A";
            await harness.ApplyAsync(w => w.ApplyStateAsync(id, Messages.State(id, random.Next(2, 5), random.Next(0, 3)) with { Instance = first }, CancellationToken.None), options);
            var seeded = first is null ? "no instance" : "life A";
            if (first is not null && random.Next(3) == 0)
            {
                if (random.Next(2) == 0)
                {
                    await harness.ApplyAsync(w => w.ApplyStateAsync(id, Messages.State(id, random.Next(1, 5), random.Next(0, 3)) with { Instance = "B" }, CancellationToken.None), options);
                    seeded += ", state of life B";
                }
                else
                {
                    var presence = Messages.Status(WirePresences[random.Next(3)], random.Next(1, 5)) with { Instance = "B" };
                    await harness.ApplyAsync(w => w.ApplyStatusAsync(id, presence, CancellationToken.None), options);
                    seeded += $", {presence.State} of life B at epoch {presence.Epoch}";
                }
            }

            var before = (await harness.FindAsync(id))!;
            if (random.Next(2) == 0)
            {
                var presence = Messages.Status(WirePresences[random.Next(3)], random.Next(1, 6)) with { Instance = before.Instance };
                await harness.ApplyAsync(w => w.ApplyStatusAsync(id, presence, CancellationToken.None), options);
                seeded += $", {presence.State} at epoch {presence.Epoch}";
            }

            var stored = (await harness.FindAsync(id))!;
            Assert.True(PresenceNames.TryParse(stored.Status, out var storedPresence));
            clock.Advance(random.Next(2) == 0 ? TimeSpan.FromMinutes(1) : ResetWindow + TimeSpan.FromMinutes(1));
            var now = clock.GetUtcNow();
            var lives = new Lives(stored.Instance, stored.PreviousInstance);
            string?[] instances = [null, stored.Instance, stored.PreviousInstance, "N"];
            var instance = instances[random.Next(instances.Length)];
            var incarnation = lives.Classify(instance);
            var storedVersion = stored.Epoch is { } e ? new StateVersion(e, stored.Seq!.Value) : (StateVersion?)null;

            Decision expected;
            IngestOutcome outcome;
            string described;
            bool isState = random.Next(2) == 0;
            var expectedStatus = storedPresence;
            if (isState)
            {
                var incoming = new StateVersion(random.Next(1, 6), random.Next(0, 3));
                expected = OrderingRules.DecideState(storedVersion, stored.StateAt, incoming, now, ResetWindow, stored.StatusEpoch, incarnation);
                if (expected != Decision.Stale && OrderingRules.StartsConnection(storedVersion, stored.StateAt, stored.StatusEpoch, incoming, incarnation))
                {
                    expectedStatus = Presence.Online;
                }

                outcome = await harness.ApplyAsync(w => w.ApplyStateAsync(id, Messages.State(id, incoming.Epoch, incoming.Seq) with { Instance = instance }, CancellationToken.None), options);
                described = $"state {incoming}";
            }
            else
            {
                // Presence counts the window from the last thing heard (IngestSql's LastHeard): here, the seeding.
                var (epoch, presence) = ((long)random.Next(1, 6), WirePresences[random.Next(3)]);
                expected = OrderingRules.DecideStatus(stored.StatusEpoch, storedPresence, storedAt, epoch, presence, now, ResetWindow, incarnation);
                expectedStatus = expected == Decision.Stale ? storedPresence : presence;
                outcome = await harness.ApplyAsync(w => w.ApplyStatusAsync(id, Messages.Status(presence, epoch) with { Instance = instance }, CancellationToken.None), options);
                described = $"status {presence} of epoch {epoch}";
            }

            var after = (await harness.FindAsync(id))!;
            var expectedLives = expected == Decision.Stale ? lives : lives.After(instance, incarnation, adopts: isState);
            var expectedCurrent = expected == Decision.Stale ? stored.StateAt is not null : OrderingRules.StateIsCurrentAfter(stored.StateAt is not null, isState, incarnation);
            var context = $"case {i}: stored {seeded} = {stored.Epoch}/{stored.Seq} (state at {stored.StateAt:t}) {stored.Status} of epoch {stored.StatusEpoch}, "
                + $"lives {lives}, {now - storedAt} later {described} of instance {instance ?? "-"} ({incarnation})";
            Assert.True(outcome.Applied == (expected != Decision.Stale), $"{context}: OrderingRules says {expected}, the SQL {(outcome.Applied ? "applied it" : "did not")}");
            Assert.True(expectedLives == new Lives(after.Instance, after.PreviousInstance), $"{context}: expected {expectedLives}, stored {after.Instance}/{after.PreviousInstance}");
            Assert.True(expectedCurrent == after.StateAt is not null, $"{context}: expected the stored state {(expectedCurrent ? "current" : "of an ended life")}");
            Assert.True(expectedStatus.ToWire() == after.Status, $"{context}: expected presence {expectedStatus.ToWire()}, stored {after.Status}");
        }
    }
}
