using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Ingest;

public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>A detector silent for longer than this may come back with a lower epoch (a re-flashed SD card).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan ResetWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// If not empty, tunnel URL hosts must end with one of these suffixes (e.g. ".ngrok-free.app"). In Production an
    /// unset list means the tunnel providers' domains (see Links/TunnelUrlPolicy); "*" switches the list off.
    /// </summary>
    public List<string> AllowedHostSuffixes { get; set; } = [];

    /// <summary>
    /// Networks (CIDR, or a single address) whose literal addresses tunnel URLs may use although private, e.g. a lab
    /// LAN's 192.168.1.0/24 or a static provider's fixed address. Empty by default: private addresses are refused.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Messages held between the MQTT client and the database writer; also the MQTT Receive Maximum.</summary>
    [Range(1, 65535)]
    public int QueueCapacity { get; set; } = 256;

    /// <summary>
    /// Most messages written in one transaction. The writer takes what is already queued, up to this, without
    /// waiting for more: a quiet fleet still gets one-message batches and no added latency.
    /// </summary>
    [Range(1, 4096)]
    public int BatchSize { get; set; } = 256;

    /// <summary>First and largest pause between retries while the database is unavailable.</summary>
    public TimeSpan RetryMinDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>At most one log line per rejection reason in this interval; the counters count every one.</summary>
    public TimeSpan RejectionLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Tunnel changes (a state whose tunnels differ from the stored ones) per detector and minute that each make their
    /// own history events and registry/live updates; 0 turns the budget off. Over it the detector's row still moves
    /// to every newer state, but the history events are coalesced into one entry per refill (see
    /// <see cref="ChangeBudget"/>). A real agent changes URLs once per ngrok restart: far below 20 a minute.
    /// </summary>
    [Range(0, 60000)]
    public int ChangesPerDetectorPerMinute { get; set; } = 20;

    /// <summary>Tunnel changes a detector may make in a row, on top of the per-minute rate, before coalescing starts.</summary>
    [Range(1, 10000)]
    public int ChangeBurst { get; set; } = 10;

    /// <summary>Fault-injection switches for tests; all off by default.</summary>
    public IngestFaultOptions Faults { get; set; } = new();
}
