namespace Fleet.Api.Data;

/// <summary>Builds a statement's select list from a column map, so the SQL and the reader share one set of ordinals.</summary>
internal static class ColumnList
{
    /// <summary>The columns joined by commas; throws if one is not listed at the ordinal it is read at.</summary>
    public static string Of(params (int Ordinal, string Column)[] columns)
    {
        for (var i = 0; i < columns.Length; i++)
        {
            if (columns[i].Ordinal != i)
            {
                throw new InvalidOperationException($"{columns[i].Column} is listed at position {i} but read at ordinal {columns[i].Ordinal}.");
            }
        }

        return string.Join(", ", columns.Select(c => c.Column));
    }
}
