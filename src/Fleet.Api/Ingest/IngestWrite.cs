using Fleet.Domain.Messages;

namespace Fleet.Api.Ingest;

/// <summary>One validated message for the database: a state or a status of one detector.</summary>
internal sealed record IngestWrite(string DetectorId, StateMessage? State, StatusMessage? Status)
{
    public static IngestWrite Of(string detectorId, StateMessage state) => new(detectorId, state, null);

    public static IngestWrite Of(string detectorId, StatusMessage status) => new(detectorId, null, status);
}
