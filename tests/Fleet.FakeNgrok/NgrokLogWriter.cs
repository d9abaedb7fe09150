using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Fleet.FakeNgrok;

/// <summary>Writes records the way ngrok does: JSON with `--log-format json`, logfmt otherwise.</summary>
internal sealed class NgrokLogWriter(TextWriter? output, bool json)
{
    // ngrok writes "+0200" and "<nil>" as they are; the default encoder would write \u002B and \u003C.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lock _gate = new();

    /// <summary>`--log` wins over the config's `log`; no target (or `false`) means no records, as with ngrok.</summary>
    public static NgrokLogWriter Create(FakeCommandLine commandLine, FakeConfig config)
    {
        string? target = commandLine.LogTarget ?? config.LogTarget;
        string? format = commandLine.LogFormat ?? config.LogFormat;
        TextWriter? output = target switch
        {
            "stdout" => Console.Out,
            "stderr" => Console.Error,
            _ => null,
        };
        return new NgrokLogWriter(output, string.Equals(format, "json", StringComparison.OrdinalIgnoreCase));
    }

    /// <param name="fields">Values are strings, ints, or <see cref="LogAddr"/> (an object in JSON, as some agents write it).</param>
    public void Write(string level, string message, string obj, params (string Key, object? Value)[] fields)
    {
        if (output is null)
        {
            return;
        }

        string line = json ? Json(level, message, obj, fields) : Logfmt(level, message, obj, fields);
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    // Go's time layout "2006-01-02T15:04:05-0700": no colon in the offset.
    private static string Now()
    {
        DateTimeOffset now = DateTimeOffset.Now;
        return now.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + now.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal);
    }

    private static string Json(string level, string message, string obj, (string Key, object? Value)[] fields)
    {
        using MemoryStream buffer = new();
        using (Utf8JsonWriter writer = new(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("t", Now());
            writer.WriteString("lvl", level);
            writer.WriteString("msg", message);
            writer.WriteString("obj", obj);
            foreach ((string key, object? value) in fields)
            {
                switch (value)
                {
                    case LogAddr addr:
                        writer.WriteStartObject(key);
                        writer.WriteString("Scheme", addr.Scheme);
                        writer.WriteString("Host", addr.Host);
                        writer.WriteEndObject();
                        break;
                    case int number:
                        writer.WriteNumber(key, number);
                        break;
                    default:
                        writer.WriteString(key, value?.ToString());
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Logfmt(string level, string message, string obj, (string Key, object? Value)[] fields)
    {
        StringBuilder line = new();
        line.Append("t=").Append(Now()).Append(" lvl=").Append(level).Append(" msg=").Append(Quote(message)).Append(" obj=").Append(obj);
        foreach ((string key, object? value) in fields)
        {
            string text = value is LogAddr addr ? $"{addr.Scheme}://{addr.Host}" : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            line.Append(' ').Append(key).Append('=').Append(Quote(text));
        }

        return line.ToString();
    }

    private static string Quote(string value) =>
        value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '"' or '=' or '\\')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";
}
