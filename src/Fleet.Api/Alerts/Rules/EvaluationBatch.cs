using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Data;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// One transaction of the evaluator: lock the cursor, evaluate the next events after it, fire what is due, check the
/// fleet rules, move the cursor. Alerts, their notices and the cursor commit together, so an event is evaluated exactly
/// once even when the API is killed in between (the events table is the source: nothing is lost with the process).
/// </summary>
internal sealed class EvaluationBatch(FleetDbContext db, ISqlDialect dialect, AlertFiring firing, FleetRuleCheck fleet)
{
    public async Task<(int Events, bool More)> RunAsync(DateTimeOffset now, int batchSize, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var cursor = await LockCursorAsync(ct);
        var events = await db.Events.AsNoTracking().Where(e => e.Id > cursor.LastEventId)
            .OrderBy(e => e.Id).Take(batchSize).ToListAsync(ct);
        var rules = await db.Set<AlertRuleRecord>().AsNoTracking().Where(r => r.Enabled).OrderBy(r => r.Id).ToListAsync(ct);
        var detectorRules = rules.Where(r => r.Kind == RuleKinds.Detector).ToList();
        if (events.Count > 0 && detectorRules.Count > 0)
        {
            await ApplyAsync(events, detectorRules, ct);
        }

        foreach (var rule in detectorRules)
        {
            await firing.FireDueAsync(rule, now, ct);
        }

        foreach (var rule in rules.Where(r => r.Kind == RuleKinds.Fleet))
        {
            await fleet.CheckAsync(rule, now, ct);
        }

        if (events.Count > 0)
        {
            cursor.LastEventId = events[^1].Id;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (events.Count, events.Count == batchSize);
    }

    // FOR UPDATE on PostgreSQL: a second API instance waits here until this transaction commits, then reads the moved
    // cursor. Not composed (ToList) so EF sends the statement as written.
    private async Task<AlertCursorRecord> LockCursorAsync(CancellationToken ct)
    {
        var sql = "SELECT id, last_event_id FROM alert_cursor WHERE id = 1" + dialect.ForUpdate;
        var rows = await db.Set<AlertCursorRecord>().FromSqlRaw(sql).ToListAsync(ct);
        if (rows.Count > 0)
        {
            return rows[0];
        }

        // The migration creates the row; a database restored without it starts from the newest event, not from history.
        var newest = await db.Events.MaxAsync(e => (long?)e.Id, ct) ?? 0;
        var cursor = new AlertCursorRecord { Id = AlertCursorRecord.SingleId, LastEventId = newest };
        db.Add(cursor);
        return cursor;
    }

    private async Task ApplyAsync(List<EventRecord> events, List<AlertRuleRecord> rules, CancellationToken ct)
    {
        var detectorIds = events.Select(e => e.DetectorId).Distinct(StringComparer.Ordinal).ToList();
        var ruleIds = rules.Select(r => r.Id).ToList();
        var tags = await db.Detectors.AsNoTracking().Where(d => detectorIds.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, d => d.Tags, StringComparer.Ordinal, ct);
        var states = await db.Set<AlertStateRecord>().Where(s => ruleIds.Contains(s.RuleId) && detectorIds.Contains(s.DetectorId))
            .ToDictionaryAsync(s => (s.RuleId, s.DetectorId), ct);
        var recoveries = rules.ToDictionary(r => r.Id, _ => new Dictionary<long, DateTimeOffset>());
        var resolutions = rules.ToDictionary(r => r.Id, _ => new Dictionary<long, DateTimeOffset>());

        foreach (var e in events)
        {
            // A decommissioned detector's row is gone: its tags come with the event (DecommissionEndpoint).
            var detectorTags = tags.GetValueOrDefault(e.DetectorId) ?? DecommissionedTags(e);
            if (e.Type == EventTypes.Decommissioned)
            {
                await RetireAsync(e, rules, states, resolutions, ct);
            }

            foreach (var rule in rules.Where(r => e.At >= r.CreatedAt && Selects(r, e.DetectorId, detectorTags)))
            {
                var key = (rule.Id, e.DetectorId);
                var state = states.GetValueOrDefault(key) is { } s && IsLive(s) ? s : null;
                if (rule.Events.Contains(e.Type))
                {
                    if (state is null)
                    {
                        states[key] = StartPending(rule, e, detectorTags, states.GetValueOrDefault(key));
                    }

                    continue;
                }

                if (state is null || !RuleEvents.IsBack(state.Event, e.Type))
                {
                    continue;
                }

                if (state.State == AlertStates.Pending && state.DueAt <= e.At)
                {
                    // Due before it came back (the evaluator is catching up): it fires first, with its group.
                    await firing.FireDueAsync(rule, e.At, ct);
                }

                if (state.State == AlertStates.Firing && state.AlertId is { } alertId)
                {
                    recoveries[rule.Id][alertId] = e.At;
                }

                // Pending: back within the damping time (or before its group fired), so nobody is told.
                db.Remove(state);
            }
        }

        foreach (var rule in rules.Where(r => recoveries[r.Id].Count > 0))
        {
            await firing.RecoverAsync(rule, recoveries[rule.Id], ct);
        }

        foreach (var rule in rules.Where(r => resolutions[r.Id].Count > 0))
        {
            await firing.ResolveAsync(rule, resolutions[rule.Id], AlertResolutions.Decommissioned, ct);
        }
    }

    /// <summary>
    /// A decommissioned detector will never be "back": its pending states end without a word (what was due before the
    /// decommission fires first, as on a return), its firing ones leave their alerts, which close (resolved) once no
    /// member is left firing. Nothing of it remains to fire or to recover later, even if the id is provisioned again.
    /// </summary>
    private async Task RetireAsync(
        EventRecord e, List<AlertRuleRecord> rules, Dictionary<(long, string), AlertStateRecord> states,
        Dictionary<long, Dictionary<long, DateTimeOffset>> resolutions, CancellationToken ct)
    {
        foreach (var rule in rules)
        {
            if (states.GetValueOrDefault((rule.Id, e.DetectorId)) is not { } state || !IsLive(state))
            {
                continue;
            }

            if (state.State == AlertStates.Pending && state.DueAt <= e.At)
            {
                await firing.FireDueAsync(rule, e.At, ct);
            }

            if (state.State == AlertStates.Firing && state.AlertId is { } alertId)
            {
                resolutions[rule.Id][alertId] = e.At;
            }

            db.Remove(state);
        }
    }

    private static List<string> DecommissionedTags(EventRecord e)
    {
        if (e.Type != EventTypes.Decommissioned || e.Data is null)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(e.Data)?["tags"] is JsonArray tags
                ? [.. tags.Select(t => t?.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null).OfType<string>()]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private AlertStateRecord StartPending(AlertRuleRecord rule, EventRecord e, IReadOnlyList<string> detectorTags, AlertStateRecord? removed)
    {
        // A row removed earlier in this batch is still tracked under the same key: it is reused rather than added twice.
        var state = removed ?? new AlertStateRecord { DetectorId = e.DetectorId, State = "", Event = "", GroupKey = "" };
        state.RuleId = rule.Id;
        state.State = AlertStates.Pending;
        state.Event = e.Type;
        state.EventId = e.Id;
        state.Since = e.At;
        state.DueAt = e.At + rule.Damping;
        state.GroupKey = GroupKeys.For(rule, e.DetectorId, detectorTags);
        state.AlertId = null;
        var entry = db.Entry(state);
        entry.State = entry.State switch
        {
            EntityState.Deleted => EntityState.Modified,
            EntityState.Detached => EntityState.Added,
            var unchanged => unchanged,
        };
        return state;
    }

    private bool IsLive(AlertStateRecord state) => db.Entry(state).State is not (EntityState.Deleted or EntityState.Detached);

    private static bool Selects(AlertRuleRecord rule, string detectorId, IReadOnlyList<string> detectorTags) =>
        (rule.DetectorIds.Count == 0 && rule.Tags.Count == 0)
        || rule.DetectorIds.Contains(detectorId)
        || rule.Tags.Any(detectorTags.Contains);
}
