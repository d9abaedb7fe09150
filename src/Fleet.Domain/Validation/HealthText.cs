using System.Text;

namespace Fleet.Domain.Validation;

/// <summary>
/// Makes a health check's own words safe to publish and show: every character <see cref="TextRules"/> hides (controls,
/// escape sequences' ESC, bidi overrides, zero-width, lone surrogates) is removed, tabs become spaces, and the text is
/// cut to <paramref name="max"/> characters without splitting a surrogate pair.
/// </summary>
public static class HealthText
{
    public static string? Clean(string? text, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var clean = new StringBuilder(Math.Min(text.Length, max));
        for (var i = 0; i < text.Length && clean.Length < max; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (clean.Length + 2 > max)
                {
                    break;
                }

                clean.Append(c).Append(text[++i]);
                continue;
            }

            if (c == '\t')
            {
                clean.Append(' ');
            }
            else if (!TextRules.IsHidden(c))
            {
                clean.Append(c);
            }
        }

        var trimmed = clean.ToString().Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }
}
