namespace Fleet.Api.Ingest;

/// <summary>The two guarded upserts of the ingest, in one dialect.</summary>
internal sealed record IngestStatements(string UpsertState, string UpsertStatus);
