namespace Fleet.FakeNgrok;

/// <summary>A tunnel or endpoint as configured.</summary>
/// <param name="Proto">`http`, `tcp` or `tls`.</param>
/// <param name="Addr">The upstream, `localhost:8000` style.</param>
/// <param name="FixedUrl">A URL the config asks for (`domain:`, `remote_addr:`, v3 `url:`), kept across restarts.</param>
internal sealed record FakeTunnelSpec(string Name, string Proto, string Addr, string? FixedUrl);
