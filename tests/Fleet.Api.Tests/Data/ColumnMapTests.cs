using Fleet.Api.Data;
using Fleet.Api.Detectors;
using Fleet.Api.Ingest;

namespace Fleet.Api.Tests.Data;

/// <summary>The select lists are built from the same ordinals their readers use, and a misplaced column refuses to build.</summary>
public sealed class ColumnMapTests
{
    [Fact]
    public void SelectLists_ListEachColumnAtTheOrdinalItIsReadAt()
    {
        var detector = DetectorColumns.Select.Split(", ");
        Assert.Equal("d.id", detector[DetectorColumns.Id]);
        Assert.Equal("d.provider_restarts", detector[DetectorColumns.ProviderRestarts]);
        Assert.Equal("d.version", detector[DetectorColumns.Version]);
        Assert.Equal("t.name AS tunnel_name", detector[DetectorColumns.TunnelName]);
        Assert.Equal("t.probe_at", detector[DetectorColumns.ProbeAt]);
        Assert.Equal("d.ngrok_account", detector[DetectorColumns.NgrokAccount]);
        Assert.Equal(DetectorColumns.NgrokAccount + 1, detector.Length);

        var stored = StoredColumns.Select.Split(", ");
        Assert.Equal("tunnels_hash", stored[StoredColumns.TunnelsHash]);
        Assert.Equal("reachability", stored[StoredColumns.Reachability]);
        Assert.Equal("previous_instance", stored[StoredColumns.PreviousInstance]);
        Assert.Equal("provider_kind", stored[StoredColumns.ProviderKind]);
        Assert.Equal(StoredColumns.ProviderKind + 1, stored.Length);
    }

    [Fact]
    public void ColumnList_ColumnOutOfPlace_Throws() =>
        Assert.Throws<InvalidOperationException>(() => ColumnList.Of((0, "id"), (2, "status"), (1, "epoch")));
}
