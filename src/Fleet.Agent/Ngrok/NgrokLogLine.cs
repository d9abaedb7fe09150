using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Fleet.Agent.Ngrok;

/// <summary>
/// Parses one line of ngrok's output: JSON records (`--log stdout --log-format json`), logfmt records (the
/// default format, and v2's), and the plain `ERROR:  …` lines the CLI prints when it gives up.
/// </summary>
internal static class NgrokLogLine
{
    /// <summary>Longer lines are not log records we understand; skipping them bounds the work per line.</summary>
    public const int MaxLineLength = 64 * 1024;

    private const string PlainErrorPrefix = "ERROR:";

    /// <returns>False for lines that are not ngrok records (blank, console output, truncated JSON).</returns>
    public static bool TryParse(string? line, [NotNullWhen(true)] out NgrokLogEvent? ev)
    {
        ev = null;
        if (string.IsNullOrWhiteSpace(line) || line.Length > MaxLineLength)
        {
            return false;
        }

        ReadOnlySpan<char> trimmed = line.AsSpan().Trim();
        if (trimmed.StartsWith('{'))
        {
            return TryParseJson(line, out ev);
        }

        if (trimmed.StartsWith(PlainErrorPrefix, StringComparison.Ordinal))
        {
            string? text = NgrokLogText.Clean(trimmed[PlainErrorPrefix.Length..].ToString());
            ev = new NgrokLogEvent(NgrokLogLevel.Error, text ?? string.Empty, null, null, null, text, NgrokLogText.FindErrorCode(text));
            return true;
        }

        return TryParseLogfmt(line, out ev);
    }

    /// <summary>Maps both spellings ngrok uses (`eror` in records, `error` in the config).</summary>
    public static NgrokLogLevel ParseLevel(string? level) => level?.ToLowerInvariant() switch
    {
        "dbug" or "debug" => NgrokLogLevel.Debug,
        "info" => NgrokLogLevel.Info,
        "warn" or "warning" => NgrokLogLevel.Warn,
        "eror" or "err" or "error" => NgrokLogLevel.Error,
        "crit" or "critical" => NgrokLogLevel.Critical,
        _ => NgrokLogLevel.Unknown,
    };

    private static bool TryParseJson(string line, out NgrokLogEvent? ev)
    {
        ev = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            string? level = Scalar(root, "lvl");
            string? message = Scalar(root, "msg");
            if (level is null && message is null)
            {
                return false;
            }

            string? addr = root.TryGetProperty("addr", out JsonElement a) && a.ValueKind == JsonValueKind.Object
                ? AddrFromObject(a)
                : Scalar(root, "addr");
            ev = Build(level, message, Scalar(root, "obj"), Scalar(root, "name"), Scalar(root, "url"), addr, Scalar(root, "err"));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryParseLogfmt(string line, out NgrokLogEvent? ev)
    {
        Dictionary<string, string> fields = LogfmtReader.Read(line);
        string? level = fields.GetValueOrDefault("lvl");
        string? message = fields.GetValueOrDefault("msg");
        if (level is null && message is null)
        {
            ev = null;
            return false;
        }

        ev = Build(level, message, fields.GetValueOrDefault("obj"), fields.GetValueOrDefault("name"),
            fields.GetValueOrDefault("url"), fields.GetValueOrDefault("addr"), fields.GetValueOrDefault("err"));
        return true;
    }

    private static NgrokLogEvent Build(string? level, string? message, string? obj, string? name, string? url, string? addr, string? err)
    {
        // Go prints a nil error as "<nil>" (e.g. on "open config file").
        string? error = err is null or "<nil>" ? null : NgrokLogText.Clean(err);
        string cleanMessage = NgrokLogText.Clean(message) ?? string.Empty;
        return new NgrokLogEvent(
            ParseLevel(level),
            cleanMessage,
            NullIfEmpty(name),
            NullIfEmpty(url),
            NullIfEmpty(addr),
            error,
            NgrokLogText.FindErrorCode(error, cleanMessage))
        {
            Object = NullIfEmpty(obj),
        };
    }

    private static string? Scalar(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) ? ScalarText(value) : null;

    private static string? ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    // Go's url.URL marshalled: {"Scheme":"http","Host":"127.0.0.1:9700",...}; Path is kept when present.
    private static string? AddrFromObject(JsonElement addr)
    {
        string? scheme = null, host = null, path = null;
        foreach (JsonProperty property in addr.EnumerateObject())
        {
            if (property.Name.Equals("scheme", StringComparison.OrdinalIgnoreCase))
            {
                scheme = ScalarText(property.Value);
            }
            else if (property.Name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                host = ScalarText(property.Value);
            }
            else if (property.Name.Equals("path", StringComparison.OrdinalIgnoreCase))
            {
                path = ScalarText(property.Value);
            }
        }

        if (string.IsNullOrEmpty(host))
        {
            return null;
        }

        return string.IsNullOrEmpty(scheme) ? host + path : $"{scheme}://{host}{path}";
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
