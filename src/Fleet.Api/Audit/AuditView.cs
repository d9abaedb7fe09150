using System.Text.Json;

namespace Fleet.Api.Audit;

/// <summary>One entry of <c>GET /audit</c>. <c>before</c>/<c>after</c> are present for metadata changes (the changed fields).</summary>
public sealed record AuditView(
    long Id, DateTimeOffset At, string Actor, string? Address, string Action, string? Target, string? DetectorId, JsonElement? Before, JsonElement? After)
{
    internal static AuditView Of(AuditRecord entry) =>
        new(entry.Id, entry.At, entry.Actor, entry.Address, entry.Action, entry.Target, entry.DetectorId, Parse(entry.Before), Parse(entry.After));

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
