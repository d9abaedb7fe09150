namespace Fleet.FakeNgrok;

/// <summary>A running tunnel: its config and the public URL of this run.</summary>
/// <param name="Id">What v2-style agents show as the capital `ID`; new with every (re)start of the tunnel.</param>
internal sealed record FakeTunnel(FakeTunnelSpec Spec, string Url, string Id)
{
    public string Name => Spec.Name;
}
