using System.Globalization;
using Fleet.Cli.Api.Models;

namespace Fleet.Cli.Output;

/// <summary>How a detector reads in the table and in <c>fleet show</c>.</summary>
internal static class DetectorText
{
    public static readonly string[] Headers = ["ID", "STATUS", "NAME", "TAGS", "TUNNELS"];

    public static string[] Row(DetectorView d) =>
    [
        d.Id ?? "?",
        Status(d),
        d.Name ?? string.Empty,
        string.Join(',', d.Tags ?? []),
        string.Join(' ', (d.Tunnels ?? []).Select(t => $"{t.Name}={t.Url}")),
    ];

    public static string Status(DetectorView d) => d.Status?.ToString().ToLowerInvariant() ?? "unknown";

    public static void WriteDetails(TextWriter output, DetectorView d)
    {
        output.WriteLine($"id:        {d.Id}");
        output.WriteLine($"name:      {d.Name}");
        output.WriteLine($"status:    {Status(d)}{Since(d.StatusSince)}");
        output.WriteLine($"last seen: {Time(d.LastSeenAt)}");
        output.WriteLine($"tags:      {string.Join(", ", d.Tags ?? [])}");
        if (!string.IsNullOrEmpty(d.Location))
        {
            output.WriteLine($"location:  {d.Location}");
        }

        if (d.Provider is { } provider)
        {
            output.WriteLine($"provider:  {provider.Kind} {provider.State}{(string.IsNullOrEmpty(provider.Error) ? string.Empty : $": {provider.Error}")}");
        }

        output.WriteLine("tunnels:");
        foreach (var t in d.Tunnels ?? [])
        {
            output.WriteLine($"  {t.Name,-10} {t.Url}  (since {Time(t.Since)})");
        }
    }

    public static string Time(DateTimeOffset? at) =>
        at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    private static string Since(DateTimeOffset? at) => at is null ? string.Empty : $" since {Time(at)}";
}
