using System.Text;

namespace Fleet.Agent.Ngrok;

/// <summary>
/// Reads `key=value key="quoted \"value\""` records, the logfmt form ngrok writes without `--log-format json`.
/// Words without `=` (e.g. a `INFO[…]` prefix of old v2 lines) are skipped.
/// </summary>
internal static class LogfmtReader
{
    public static Dictionary<string, string> Read(string line)
    {
        Dictionary<string, string> fields = new(StringComparer.Ordinal);
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            int keyStart = i;
            while (i < line.Length && line[i] != '=' && !char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            string key = line[keyStart..i];
            if (i >= line.Length || line[i] != '=')
            {
                continue;
            }

            i++;
            string value = i < line.Length && line[i] == '"' ? ReadQuoted(line, ref i) : ReadBare(line, ref i);
            if (key.Length > 0)
            {
                fields[key] = value;
            }
        }

        return fields;
    }

    private static string ReadBare(string line, ref int i)
    {
        int start = i;
        while (i < line.Length && !char.IsWhiteSpace(line[i]))
        {
            i++;
        }

        return line[start..i];
    }

    // An unterminated quote takes the rest of the line rather than failing the record.
    private static string ReadQuoted(string line, ref int i)
    {
        StringBuilder value = new();
        i++;
        while (i < line.Length && line[i] != '"')
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                i++;
                value.Append(line[i] switch
                {
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    char other => other,
                });
            }
            else
            {
                value.Append(line[i]);
            }

            i++;
        }

        i++;
        return value.ToString();
    }
}
