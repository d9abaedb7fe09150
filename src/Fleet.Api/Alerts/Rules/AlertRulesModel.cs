using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fleet.Api.Alerts.Rules;

/// <summary>The rules' tables in the shared model (called from FleetDbContext before its snake_case naming pass).</summary>
internal static class AlertRulesModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<AlertRuleRecord>(rule =>
        {
            rule.ToTable("alert_rules");
            rule.HasKey(r => r.Id);
            rule.Property(r => r.Name).HasMaxLength(200);
            rule.Property(r => r.Kind).HasMaxLength(16);
            rule.Property(r => r.GroupBy).HasMaxLength(16);
            AsJson(rule.Property(r => r.Events));
            AsJson(rule.Property(r => r.DetectorIds));
            AsJson(rule.Property(r => r.Tags));
            AsJson(rule.Property(r => r.DestinationIds));
        });

        model.Entity<AlertSilenceRecord>(silence =>
        {
            silence.ToTable("alert_silences");
            silence.HasKey(s => s.Id);
            silence.Property(s => s.Reason).HasMaxLength(500);
            AsJson(silence.Property(s => s.DetectorIds));
            AsJson(silence.Property(s => s.Tags));
            silence.HasIndex(s => s.EndsAt);
        });

        model.Entity<AlertStateRecord>(state =>
        {
            state.ToTable("alert_states");
            state.HasKey(s => new { s.RuleId, s.DetectorId });
            state.Property(s => s.DetectorId).HasMaxLength(63);
            state.Property(s => s.State).HasMaxLength(16);
            state.Property(s => s.Event).HasMaxLength(32);
            state.Property(s => s.GroupKey).HasMaxLength(80);
            state.HasIndex(s => new { s.RuleId, s.State, s.DueAt });
            state.HasIndex(s => s.AlertId);
            state.HasOne<AlertRuleRecord>().WithMany().HasForeignKey(s => s.RuleId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<AlertRecord>(alert =>
        {
            alert.ToTable("alerts");
            alert.HasKey(a => a.Id);
            alert.Property(a => a.RuleName).HasMaxLength(200);
            alert.Property(a => a.Event).HasMaxLength(32);
            alert.Property(a => a.GroupKey).HasMaxLength(80);
            alert.Property(a => a.Title).HasMaxLength(500);
            alert.Property(a => a.ResolvedBy).HasMaxLength(32);
            AsJson(alert.Property(a => a.DetectorIds));
            alert.HasIndex(a => a.RuleId);
        });

        model.Entity<AlertCursorRecord>(cursor =>
        {
            cursor.ToTable("alert_cursor");
            cursor.HasKey(c => c.Id);
            cursor.Property(c => c.Id).ValueGeneratedNever();
        });
    }

    // JSON text on both providers: these lists are read whole, never searched in SQL.
    private static void AsJson<T>(PropertyBuilder<List<T>> property) => property.HasConversion(
        value => JsonSerializer.Serialize(value, JsonSerializerOptions.Default),
        text => JsonSerializer.Deserialize<List<T>>(text, JsonSerializerOptions.Default) ?? new List<T>(),
        new ValueComparer<List<T>>(
            (a, b) => a!.SequenceEqual(b!),
            list => list.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)),
            list => list.ToList()));
}
