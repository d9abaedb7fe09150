using System.Text.Json.Nodes;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// Turns due pending states into alerts (grouped, split by silences) and closes alerts whose detectors are all back,
/// inside the evaluator's transaction; notices go to the outbox in that same transaction.
/// </summary>
internal sealed class AlertFiring(FleetDbContext db, IAlertOutbox outbox)
{
    private const int EventIdsInData = 100;

    private IQueryable<AlertStateRecord> States => db.Set<AlertStateRecord>();

    /// <summary>
    /// Fires every group of <paramref name="rule"/> whose first member was due a group window before
    /// <paramref name="upTo"/>, with the members due by then; a group's members due in later windows that are also
    /// over by <paramref name="upTo"/> fire in this call too, one alert per window (a storm spread over more than the
    /// window, or a pass catching up, is not held back a pass per window). Memory holds one group at a time.
    /// </summary>
    public async Task FireDueAsync(AlertRuleRecord rule, DateTimeOffset upTo, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        var latestFirstDue = upTo - rule.GroupWindow;
        while (true)
        {
            var groups = await States
                .Where(s => s.RuleId == rule.Id && s.State == AlertStates.Pending)
                .GroupBy(s => s.GroupKey)
                .Select(g => new { Key = g.Key, FirstDue = g.Min(s => s.DueAt) })
                .Where(g => g.FirstDue <= latestFirstDue)
                .ToListAsync(ct);
            if (groups.Count == 0)
            {
                return;
            }

            // Each round takes at least the first window of every group out of Pending, so the loop ends; a round that
            // found no member (a time that did not round-trip exactly) ends it too rather than spinning.
            var fired = 0;
            foreach (var group in groups.OrderBy(g => g.FirstDue))
            {
                var firedAt = group.FirstDue + rule.GroupWindow;
                var members = await States
                    .Where(s => s.RuleId == rule.Id && s.State == AlertStates.Pending && s.GroupKey == group.Key && s.DueAt <= firedAt)
                    .OrderBy(s => s.DetectorId)
                    .ToListAsync(ct);
                fired += members.Count;
                await FireGroupAsync(rule, group.Key, members, firedAt, ct);
            }

            if (fired == 0)
            {
                return;
            }
        }
    }

    /// <summary>Closes each alert whose last firing member is gone, at the time its last member came back.</summary>
    public async Task RecoverAsync(AlertRuleRecord rule, IReadOnlyDictionary<long, DateTimeOffset> candidates, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        foreach (var (alertId, at) in candidates)
        {
            if (await States.AnyAsync(s => s.AlertId == alertId, ct)
                || await db.Set<AlertRecord>().SingleOrDefaultAsync(a => a.Id == alertId, ct) is not { RecoveredAt: null } alert)
            {
                continue;
            }

            alert.RecoveredAt = at;
            Tell(rule, alert, recovered: true);
        }
    }

    /// <summary>
    /// Closes each alert whose last firing member was decommissioned (its state already removed), at the decommission's
    /// time, and says so once (a <see cref="NoticeKinds.Resolved"/> notice where the rule sends recoveries). An alert
    /// with members still firing stays open and recovers with them.
    /// </summary>
    public async Task ResolveAsync(AlertRuleRecord rule, IReadOnlyDictionary<long, DateTimeOffset> candidates, string resolvedBy, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        foreach (var (alertId, at) in candidates)
        {
            if (await States.AnyAsync(s => s.AlertId == alertId, ct)
                || await db.Set<AlertRecord>().SingleOrDefaultAsync(a => a.Id == alertId, ct) is not { RecoveredAt: null } alert)
            {
                continue;
            }

            alert.RecoveredAt = at;
            alert.ResolvedBy = resolvedBy;
            Tell(rule, alert, recovered: true);
        }
    }

    /// <summary>Enqueues the notice of <paramref name="alert"/> (fired, or recovered or resolved when it closed), unless a silence suppressed it or nobody is to be told.</summary>
    public void Tell(AlertRuleRecord rule, AlertRecord alert, bool recovered, string? fleetTitle = null)
    {
        if (alert.SilenceId is not null || rule.DestinationIds.Count == 0 || (recovered && !rule.Recovery))
        {
            return;
        }

        var notice = !recovered ? AlertNotices.Fired(alert)
            : alert.ResolvedBy is not null ? AlertNotices.Resolved(alert)
            : AlertNotices.Recovered(alert, fleetTitle);
        outbox.Enqueue(db, notice, rule.DestinationIds);
    }

    public Task<List<AlertSilenceRecord>> ActiveSilencesAsync(DateTimeOffset at, CancellationToken ct) =>
        db.Set<AlertSilenceRecord>().AsNoTracking().Where(s => s.StartsAt <= at && s.EndsAt > at).ToListAsync(ct);

    private async Task FireGroupAsync(AlertRuleRecord rule, string key, List<AlertStateRecord> members, DateTimeOffset firedAt, CancellationToken ct)
    {
        var silences = await ActiveSilencesAsync(firedAt, ct);
        var tags = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (silences.Any(s => s.Tags.Count > 0))
        {
            var ids = members.Select(m => m.DetectorId).ToList();
            tags = await db.Detectors.AsNoTracking().Where(d => ids.Contains(d.Id))
                .ToDictionaryAsync(d => d.Id, d => d.Tags, StringComparer.Ordinal, ct);
        }

        // A silence covers detectors, not groups: the covered members fire as a suppressed alert, the others are told.
        var told = new List<AlertStateRecord>();
        var silenced = new List<AlertStateRecord>();
        long? silenceId = null;
        foreach (var member in members)
        {
            var detectorTags = tags.GetValueOrDefault(member.DetectorId) ?? [];
            if (silences.FirstOrDefault(s => s.Covers(member.DetectorId, detectorTags, firedAt)) is { } silence)
            {
                silenced.Add(member);
                silenceId ??= silence.Id;
            }
            else
            {
                told.Add(member);
            }
        }

        if (told.Count > 0)
        {
            await FireAsync(rule, key, told, firedAt, null, ct);
        }

        if (silenced.Count > 0)
        {
            await FireAsync(rule, key, silenced, firedAt, silenceId, ct);
        }
    }

    private async Task FireAsync(AlertRuleRecord rule, string key, List<AlertStateRecord> members, DateTimeOffset firedAt, long? silenceId, CancellationToken ct)
    {
        var group = GroupKeys.Shown(key);
        var (title, text) = AlertNotices.DescribeFired(rule, group, members);
        var data = new JsonObject
        {
            ["since"] = members.Min(m => m.Since),
            ["eventIds"] = new JsonArray([.. members.Take(EventIdsInData).Select(m => JsonValue.Create(m.EventId))]),
        };
        var alert = new AlertRecord
        {
            RuleId = rule.Id,
            RuleName = rule.Name,
            Event = members[0].Event,
            GroupKey = group,
            DetectorIds = [.. members.Select(m => m.DetectorId)],
            FiredAt = firedAt,
            SilenceId = silenceId,
            Title = title,
            Text = text,
            Data = data.ToJsonString(),
        };
        db.Add(alert);

        // Saved now: the notice's id is the alert's.
        await db.SaveChangesAsync(ct);
        foreach (var member in members)
        {
            if (RuleEvents.HasBack(member.Event))
            {
                member.State = AlertStates.Firing;
                member.AlertId = alert.Id;
            }
            else
            {
                // Nothing will say "back": the next occurrence starts a new pending state.
                db.Remove(member);
            }
        }

        Tell(rule, alert, recovered: false);
        await db.SaveChangesAsync(ct);
    }
}
