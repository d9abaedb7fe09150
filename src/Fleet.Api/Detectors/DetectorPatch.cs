using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fleet.Api.Data;
using Fleet.Domain.Validation;

namespace Fleet.Api.Detectors;

/// <summary>
/// Operator metadata as a JSON merge patch (RFC 7396): a field that is present replaces the stored value, null
/// clears it, an absent field is left alone.
/// </summary>
internal static partial class DetectorPatch
{
    public const int MaxTags = 32;

    private static readonly string[] Fields = ["name", "tags", "notes", "location"];

    // A merge patch names each field once: a second "name" is an attack on whichever reader takes which (and
    // JsonObject would throw on it later, as a 500).
    // JsonDocument checks that while parsing; the serializer's option does not reach a JsonObject, which is built lazily.
    private static readonly JsonDocumentOptions ReadOptions = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    /// <summary>
    /// The body as a JSON object, or why not. Refused here rather than later: duplicate names, and strings (names
    /// included) holding a lone surrogate, which is valid JSON text but not Unicode and cannot be written back out.
    /// </summary>
    public static async Task<(JsonObject? Patch, string? Error)> ReadAsync(Stream body, CancellationToken ct)
    {
        const string surrogate = "The body holds a string with a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape): it is not Unicode text.";
        try
        {
            var node = await JsonNode.ParseAsync(body, documentOptions: ReadOptions, cancellationToken: ct);
            if (node is not JsonObject patch)
            {
                return (null, "The body must be a JSON object.");
            }

            return HasLoneSurrogate(patch) ? (null, surrogate) : (patch, null);
        }
        catch (JsonException ex)
        {
            // The message can quote the body's own names: keep it printable, or writing the problem fails in turn.
            return (null, $"The body is not valid JSON: {Printable(ex.Message)}");
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to decode an unpaired escape into a string (while checking for duplicate
            // names, or when a value is read): the same refusal, reached earlier.
            return (null, surrogate);
        }
    }

    private static bool HasLoneSurrogate(JsonNode? node) => node switch
    {
        JsonObject o => o.Any(p => FindLoneSurrogate(p.Key) || HasLoneSurrogate(p.Value)),
        JsonArray a => a.Any(HasLoneSurrogate),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => FindLoneSurrogate(v.GetValue<string>()),
        _ => false,
    };

    private static bool FindLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static string Printable(string text) =>
        new([.. text.Take(300).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c)]);

    /// <summary>The patched fields' current values (for the audit trail's before and after): only what the patch names.</summary>
    public static JsonObject Snapshot(JsonObject patch, DetectorRecord detector)
    {
        var snapshot = new JsonObject();
        foreach (var key in patch.Select(p => p.Key).Where(Fields.Contains))
        {
            snapshot[key] = key switch
            {
                "name" => detector.Name,
                "notes" => detector.Notes,
                "location" => detector.Location,
                _ => new JsonArray([.. detector.Tags.Select(t => JsonValue.Create(t))]),
            };
        }

        return snapshot;
    }

    public static Dictionary<string, string[]> Apply(JsonObject patch, DetectorRecord detector)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (key, value) in patch)
        {
            if (!Fields.Contains(key))
            {
                errors[Printable(key)] = [$"'{Printable(key)}' cannot be changed; the fields are {string.Join(", ", Fields)}."];
                continue;
            }

            var error = key switch
            {
                "name" => SetText(value, 200, multiline: false, v => detector.Name = v),
                "notes" => SetText(value, 4000, multiline: true, v => detector.Notes = v),
                "location" => SetText(value, 200, multiline: false, v => detector.Location = v),
                _ => SetTags(value, detector),
            };
            if (error is not null)
            {
                errors[key] = [error];
            }
        }

        return errors;
    }

    private static string? SetText(JsonNode? value, int maxLength, bool multiline, Action<string?> set)
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
        if (text.Length > maxLength)
        {
            return $"must be at most {maxLength} characters";
        }

        // Bidi overrides and zero-width characters make a name look like another (or reverse what follows it).
        if (TextRules.FindHidden(text, allowLineBreaks: multiline) is { } hidden)
        {
            return $"must not hold control, bidi or zero-width characters (found {hidden})";
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

    /// <summary>The one rule for a tag's spelling (alert rules and silences name tags too).</summary>
    public static bool IsValidTag(string tag) => TagRegex().IsMatch(tag);

    [GeneratedRegex("^[a-z0-9][a-z0-9._:-]{0,63}$")]
    private static partial Regex TagRegex();
}
