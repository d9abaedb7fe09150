using System.Globalization;

namespace Fleet.Domain.Validation;

/// <summary>
/// Characters a name, note or tag must not hold because they change how the text around them looks without being
/// seen: controls, bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069), zero-width and other format
/// characters (U+200B-200F, U+2060, U+FEFF, …), and lone surrogates.
/// </summary>
public static class TextRules
{
    /// <summary>The first such character's code point as "U+XXXX", or null when the text is clean.</summary>
    public static string? FindHidden(string text, bool allowLineBreaks = false)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (allowLineBreaks && c is '\n' or '\t')
            {
                continue;
            }

            if (IsHidden(c))
            {
                return "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Whether one UTF-16 unit is such a character (a surrogate counts: the caller decides whether it is paired).</summary>
    public static bool IsHidden(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse;
}
