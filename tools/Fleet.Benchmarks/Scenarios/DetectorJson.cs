using System.Text.Json;

using Npgsql;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// Writes detector rows (detector LEFT JOIN tunnel, ordered by detector, columns from <paramref name="offset"/> on, as
/// in <see cref="CeilingSql"/>) as JSON objects while they are read: the detector's columns, then its tunnels. Each
/// value through its typed getter (text[]: its field type is Array, read as string[]) (no GetValue, no boxing); a synchronous IsDBNull, as the row is already buffered.
/// </summary>
internal sealed class DetectorJson(NpgsqlDataReader reader, int offset)
{
    private readonly JsonEncodedText[] _names = Enumerable.Range(0, reader.FieldCount).Select(i => JsonEncodedText.Encode(reader.GetName(i))).ToArray();
    private readonly Type[] _types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetFieldType).ToArray();
    private string? _current;
    private int _written;
    private bool _open;

    /// <summary>Adds the current row: a new detector object when the id changes (at most <paramref name="limit"/>), and its tunnel.</summary>
    public void Row(Utf8JsonWriter json, int limit)
    {
        if (reader.IsDBNull(offset))
        {
            return; // the mark's row of an empty page
        }

        var id = reader.GetString(offset);
        if (id != _current)
        {
            End(json);
            _current = id;
            if (++_written > limit)
            {
                return; // the extra row that only says "there is a next page"
            }

            json.WriteStartObject();
            for (var i = offset; i < offset + CeilingSql.TunnelFirst; i++)
            {
                Value(json, i);
            }

            for (var i = offset + CeilingSql.TunnelLast + 1; i < reader.FieldCount; i++)
            {
                Value(json, i);
            }

            json.WriteStartArray("tunnels");
            _open = true;
        }

        if (!_open || reader.IsDBNull(offset + CeilingSql.TunnelFirst))
        {
            return;
        }

        json.WriteStartObject();
        for (var i = offset + CeilingSql.TunnelFirst; i <= offset + CeilingSql.TunnelLast; i++)
        {
            Value(json, i);
        }

        json.WriteEndObject();
    }

    /// <summary>Closes the open detector object, if any.</summary>
    public void End(Utf8JsonWriter json)
    {
        if (_open)
        {
            json.WriteEndArray();
            json.WriteEndObject();
            _open = false;
        }
    }

    private void Value(Utf8JsonWriter json, int i)
    {
        var name = _names[i];
        if (reader.IsDBNull(i))
        {
            json.WriteNull(name);
            return;
        }

        var type = _types[i];
        if (type == typeof(string))
        {
            json.WriteString(name, reader.GetString(i));
        }
        else if (type == typeof(long))
        {
            json.WriteNumber(name, reader.GetInt64(i));
        }
        else if (type == typeof(int))
        {
            json.WriteNumber(name, reader.GetInt32(i));
        }
        else if (type == typeof(DateTime))
        {
            json.WriteString(name, reader.GetFieldValue<DateTime>(i));
        }
        else if (typeof(Array).IsAssignableFrom(type))
        {
            json.WriteStartArray(name);
            foreach (var item in reader.GetFieldValue<string[]>(i))
            {
                json.WriteStringValue(item);
            }

            json.WriteEndArray();
        }
        else
        {
            throw new InvalidOperationException($"column {reader.GetName(i)}: no writer for {type}");
        }
    }
}
