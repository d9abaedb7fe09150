namespace Fleet.Api.Detectors;

/// <summary>
/// What the database says about the detectors at one snapshot: PostgreSQL's list counters or SQLite's counter, as
/// text, and, read with a page, the total of its filter (-1 otherwise). Equal marks mean equal data (DetectorETags).
/// </summary>
internal sealed record ListMark(string Mark, long Total);
