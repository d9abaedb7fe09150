using Fleet.Api.Data;

namespace Fleet.Api.Ingest;

/// <summary>
/// The columns a batch reads and every upsert returns (<see cref="StoredDetector"/> and its id), as IngestSql selects
/// them and IngestCommands reads them: one map for both. <see cref="Select"/> is built from the ordinals below and
/// refuses to build if one is out of place.
/// </summary>
internal static class StoredColumns
{
    public const int Id = 0;
    public const int Epoch = 1;
    public const int Status = 2;
    public const int StatusEpoch = 3;
    public const int ProviderError = 4;
    public const int TunnelsHash = 5;
    public const int Reachability = 6;
    public const int Seq = 7;
    public const int StateAt = 8;
    public const int Instance = 9;
    public const int PreviousInstance = 10;
    public const int HealthStatus = 11;
    public const int ProviderKind = 12;

    public static string Select { get; } = ColumnList.Of(
        (Id, "id"), (Epoch, "epoch"), (Status, "status"), (StatusEpoch, "status_epoch"), (ProviderError, "provider_error"), (TunnelsHash, "tunnels_hash"),
        (Reachability, "reachability"), (Seq, "seq"), (StateAt, "state_at"), (Instance, "instance"), (PreviousInstance, "previous_instance"),
        (HealthStatus, "health_status"), (ProviderKind, "provider_kind"));
}
