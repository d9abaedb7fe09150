using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fleet.Api.Data;

namespace Fleet.Api.Detectors;

/// <summary>
/// Operator metadata as a JSON merge patch (RFC 7396): a field that is present replaces the stored value, null
/// clears it, an absent field is left alone.
/// </summary>
internal static partial class DetectorPatch
{
    public const int MaxTags = 32;

    private static readonly string[] Fields = ["name", "tags", "notes", "location"];

    public static Dictionary<string, string[]> Apply(JsonObject patch, DetectorRecord detector)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (key, value) in patch)
        {
            if (!Fields.Contains(key))
            {
                errors[key] = [$"'{key}' cannot be changed; the fields are {string.Join(", ", Fields)}."];
                continue;
            }

            var error = key switch
            {
                "name" => SetText(value, 200, v => detector.Name = v),
                "notes" => SetText(value, 4000, v => detector.Notes = v),
                "location" => SetText(value, 200, v => detector.Location = v),
                _ => SetTags(value, detector),
            };
            if (error is not null)
            {
                errors[key] = [error];
            }
        }

        return errors;
    }

    private static string? SetText(JsonNode? value, int maxLength, Action<string?> set)
    {
        if (value is null)
        {
            set(null);
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            return "must be a string or null";
        }

        var text = value.GetValue<string>().Trim();
        if (text.Length > maxLength || text.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            return $"must be at most {maxLength} characters without control characters";
        }

        set(text.Length == 0 ? null : text);
        return null;
    }

    private static string? SetTags(JsonNode? value, DetectorRecord detector)
    {
        if (value is null)
        {
            detector.Tags = [];
            return null;
        }

        if (value is not JsonArray array || array.Any(t => t?.GetValueKind() != JsonValueKind.String))
        {
            return "must be an array of strings";
        }

        var tags = array.Select(t => t!.GetValue<string>()).Distinct(StringComparer.Ordinal).ToList();
        if (tags.Count > MaxTags || tags.Any(t => !TagRegex().IsMatch(t)))
        {
            return $"at most {MaxTags} tags, each matching {TagRegex()}";
        }

        detector.Tags = tags;
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._:-]{0,63}$")]
    private static partial Regex TagRegex();
}
