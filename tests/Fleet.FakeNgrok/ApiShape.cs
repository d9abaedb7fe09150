namespace Fleet.FakeNgrok;

/// <summary>Which agent generation's API to imitate (control file `shape`).</summary>
internal enum ApiShape
{
    /// <summary>`both`: /api/tunnels (docs shape) and /api/endpoints, like current agents.</summary>
    Both,

    /// <summary>`tunnels`: the docs' /api/tunnels only; /api/endpoints is 404, like agents before it existed.</summary>
    Tunnels,

    /// <summary>`tunnels-v2`: /api/tunnels with `ID` and a `name (http)` twin per http tunnel; /api/endpoints is 404.</summary>
    TunnelsV2,

    /// <summary>`endpoints`: /api/endpoints only; /api/tunnels is 404.</summary>
    Endpoints,
}
