using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Reachability;

/// <summary>The API's reachability probe of online detectors' tunnel URLs (off by default: it connects out).</summary>
public sealed class ProbeOptions
{
    public const string Section = "Probe";

    public bool Enabled { get; set; }

    /// <summary>How often each online detector's http, https and tcp URLs are probed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A round spreads its probes evenly over the interval, one slot each; Jitter (0 to 1) is the share of its slot by
    /// which each probe's start moves at random, so probes of many detectors behind one edge do not line up.
    /// </summary>
    [Range(0.0, 1.0)]
    public double Jitter { get; set; } = 0.5;

    /// <summary>The whole of one probe: connect, TLS, the answer's headers and the first bytes of its body.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Results are stored in one transaction per StoreEvery (or per 512 results, if sooner), not one per finished probe:
    /// each transaction that changes something locks the detectors concerned, which the ingest then waits for.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan StoreEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Probes in flight at once, all hosts together.</summary>
    [Range(1, 4096)]
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>Probes in flight at once to one URL host.</summary>
    [Range(1, 1024)]
    public int MaxPerHost { get; set; } = 4;

    /// <summary>Most bytes of an answer's body read (enough for ngrok's error page to name its code); the rest is never read.</summary>
    [Range(0, 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 8 * 1024;

    /// <summary>Most bytes of an answer's headers (the handler's limit, rounded up to whole KiB).</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxResponseHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Networks (CIDR or a single address) the probe may connect to although not public, e.g. an on-premise relay's
    /// 10.1.2.0/24 or, in tests, 127.0.0.0/8. Empty by default. Cloud metadata addresses stay refused.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>
    /// Fixed answers instead of DNS, like curl's --resolve: "host:port:address[,address…]", host "*" or "*.suffix" and
    /// port "*" allowed (staging, tests); the syntax is Fleet.Domain's ResolveRules. No target port: the probe connects
    /// to the URL's port.
    /// </summary>
    public List<string> Resolve { get; set; } = [];
}
