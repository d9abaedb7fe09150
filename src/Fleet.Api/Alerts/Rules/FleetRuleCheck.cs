using System.Text.Json.Nodes;
using Fleet.Api.Data;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// A fleet rule: counts the detectors with its tag in a watched state (from the detectors table, as they are now) and
/// keeps one state row: pending while above the threshold for less than the damping time, firing once told, gone when
/// the share drops (a pending one silently; a firing one recovers when the share is below the threshold).
/// </summary>
internal sealed class FleetRuleCheck(FleetDbContext db, AlertFiring firing)
{
    public async Task CheckAsync(AlertRuleRecord rule, DateTimeOffset now, CancellationToken ct)
    {
        var tag = rule.Tags[0];
        var share = new FleetShare(await Bad(rule).CountAsync(ct), await Tagged(tag).CountAsync(ct));
        var threshold = rule.ThresholdPercent ?? 100;
        var state = await db.Set<AlertStateRecord>()
            .SingleOrDefaultAsync(s => s.RuleId == rule.Id && s.DetectorId == AlertStateRecord.FleetDetectorId, ct);
        if (share.Percent > threshold)
        {
            if (state is null)
            {
                db.Add(new AlertStateRecord
                {
                    RuleId = rule.Id,
                    DetectorId = AlertStateRecord.FleetDetectorId,
                    State = AlertStates.Pending,
                    Event = AlertNotices.FleetPrefix + rule.Events[0],
                    Since = now,
                    DueAt = now + rule.Damping,
                    GroupKey = GroupKeys.TagPrefix + tag,
                });
            }
            else if (state.State == AlertStates.Pending && state.DueAt <= now)
            {
                await FireAsync(rule, state, share, now, ct);
            }
        }
        else if (state is { State: AlertStates.Pending })
        {
            db.Remove(state);
        }
        else if (state is { State: AlertStates.Firing } && share.Percent < threshold)
        {
            db.Remove(state);
            if (await db.Set<AlertRecord>().SingleOrDefaultAsync(a => a.Id == state.AlertId, ct) is { RecoveredAt: null } alert)
            {
                alert.RecoveredAt = now;
                firing.Tell(rule, alert, recovered: true, AlertNotices.DescribeFleet(rule, share, recovered: true).Title);
            }
        }
    }

    private async Task FireAsync(AlertRuleRecord rule, AlertStateRecord state, FleetShare share, DateTimeOffset now, CancellationToken ct)
    {
        var tag = rule.Tags[0];
        var silence = (await firing.ActiveSilencesAsync(now, ct)).FirstOrDefault(s => s.Tags.Contains(tag));
        var (title, text) = AlertNotices.DescribeFleet(rule, share, recovered: false);
        var ids = await Bad(rule).OrderBy(d => d.Id).Select(d => d.Id).ToListAsync(ct);
        var alert = new AlertRecord
        {
            RuleId = rule.Id,
            RuleName = rule.Name,
            Event = state.Event,
            GroupKey = state.GroupKey,
            DetectorIds = ids,
            FiredAt = now,
            SilenceId = silence?.Id,
            Title = title,
            Text = text,
            Data = new JsonObject
            {
                ["bad"] = share.Bad, ["total"] = share.Total, ["percent"] = share.Percent, ["thresholdPercent"] = rule.ThresholdPercent,
            }.ToJsonString(),
        };
        db.Add(alert);
        await db.SaveChangesAsync(ct);
        state.State = AlertStates.Firing;
        state.AlertId = alert.Id;
        firing.Tell(rule, alert, recovered: false);
    }

    private IQueryable<DetectorRecord> Tagged(string tag) => db.Detectors.AsNoTracking().Where(d => d.Tags.Contains(tag));

    private IQueryable<DetectorRecord> Bad(AlertRuleRecord rule)
    {
        var lost = rule.Events.Contains(EventTypes.Lost);
        var offline = rule.Events.Contains(EventTypes.Offline);
        var unreachable = rule.Events.Contains(EventTypes.Unreachable);
        return Tagged(rule.Tags[0]).Where(d =>
            (lost && d.Status == EventTypes.Lost)
            || (offline && d.Status == EventTypes.Offline)
            || (unreachable && d.Status == EventTypes.Online && d.Reachability == EventTypes.Unreachable));
    }
}
