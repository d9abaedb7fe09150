namespace Fleet.Api.Detectors;

/// <summary>
/// What the database says about the detectors at one snapshot: the newest version issued and the writers in flight
/// (DetectorETags), and, read with a page, the total of its filter (-1 otherwise). Only a proven mark names a state.
/// </summary>
internal sealed record ListMark(bool Proven, long Version, string InFlight, long Total);
