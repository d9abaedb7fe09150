namespace Fleet.FakeCloudflared;

/// <summary>The one quick tunnel of this process: its hostname, the local service and whether the edge connection is up.</summary>
internal sealed class TunnelState(string hostname, string url)
{
    private volatile bool _connected;

    public string Hostname { get; } = hostname;

    public string Url { get; } = url;

    public bool Connected
    {
        get => _connected;
        set => _connected = value;
    }

    /// <summary>Three to four words joined by dashes, as trycloudflare.com hands them out (e.g. oklahoma-solo-younger-truck).</summary>
    public static string RandomHostname()
    {
        string[] words = ["alpha", "bravo", "cedar", "delta", "ember", "fjord", "grove", "harbor", "island", "jasper", "kernel", "lunar", "maple", "nickel", "orbit", "prairie", "quartz", "river", "summit", "timber"];
        return string.Join('-', Enumerable.Range(0, 4).Select(_ => words[Random.Shared.Next(words.Length)])) + "-" + Random.Shared.Next(1000, 9999) + ".trycloudflare.com";
    }
}
