namespace Fleet.FakeNgrok;

/// <summary>Go's url.URL, as some agents write `addr` in JSON records: {"Scheme":"http","Host":"localhost:80"}.</summary>
internal sealed record LogAddr(string Scheme, string Host);
