using System.Text;

namespace Fleet.Agent.Logging;

/// <summary>Masks secrets (an ngrok authtoken, the MQTT password) in text that is about to be logged.</summary>
internal static class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>
    /// Replaces every occurrence of every non-empty secret with <see cref="Mask"/>. One left-to-right pass that
    /// tries the longest secret first, so a secret that contains another is masked whole, and a mask never
    /// combines with the text around it into something that is matched again.
    /// </summary>
    public static string Redact(string text, IReadOnlyCollection<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(secrets);

        string[] present = [.. secrets
            .Where(s => !string.IsNullOrEmpty(s) && text.Contains(s, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)];
        if (present.Length == 0)
        {
            return text;
        }

        StringBuilder result = new(text.Length);
        int position = 0;
        while (position < text.Length)
        {
            string? match = FindAt(text, position, present);
            if (match is null)
            {
                result.Append(text[position]);
                position++;
            }
            else
            {
                result.Append(Mask);
                position += match.Length;
            }
        }

        return result.ToString();
    }

    private static string? FindAt(string text, int position, string[] longestFirst)
    {
        ReadOnlySpan<char> rest = text.AsSpan(position);
        foreach (string secret in longestFirst)
        {
            if (rest.StartsWith(secret, StringComparison.Ordinal))
            {
                return secret;
            }
        }

        return null;
    }
}
