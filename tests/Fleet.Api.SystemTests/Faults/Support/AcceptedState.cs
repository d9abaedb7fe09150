namespace Fleet.Api.SystemTests.Faults.Support;

/// <summary>A detector's last state whose publish the broker acknowledged: what the API must end up showing.</summary>
public sealed record AcceptedState(long Epoch, long Seq, IReadOnlyDictionary<string, string> Tunnels)
{
    public override string ToString() =>
        $"epoch {Epoch} seq {Seq} [{string.Join(", ", Tunnels.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"))}]";
}
