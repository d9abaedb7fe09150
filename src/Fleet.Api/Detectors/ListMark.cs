namespace Fleet.Api.Detectors;

/// <summary>
/// What the database says about the detectors at one snapshot: PostgreSQL's list counters (in <see cref="State"/>) or
/// SQLite's counter (in <see cref="Version"/>), and, read with a page, the total of its filter (-1 otherwise).
/// Equal marks mean equal data (DetectorETags).
/// </summary>
internal sealed record ListMark(long Version, string State, long Total);
