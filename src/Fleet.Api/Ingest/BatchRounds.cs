namespace Fleet.Api.Ingest;

/// <summary>
/// Splits a batch into rounds holding at most one message per detector, in receive order: PostgreSQL cannot touch
/// one row twice in one INSERT … ON CONFLICT, and the n-th message of a detector must see what the (n-1)-th left.
/// </summary>
internal static class BatchRounds
{
    /// <summary>Indexes into <paramref name="writes"/>, per round; a detector's k-th message is in round k.</summary>
    public static List<List<int>> Split(IReadOnlyList<IngestWrite> writes)
    {
        var rounds = new List<List<int>>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            var id = writes[i].DetectorId;
            var round = seen.GetValueOrDefault(id);
            seen[id] = round + 1;
            if (round == rounds.Count)
            {
                rounds.Add([]);
            }

            rounds[round].Add(i);
        }

        return rounds;
    }
}
