using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Limits;

/// <summary>Request rate and size limits of the HTTP API (section <c>Limits</c>).</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Requests per minute for one API key (a session counts as its key); beyond it 429 with Retry-After.</summary>
    [Range(1, 1_000_000_000, ErrorMessage = "Limits:PerKeyPerMinute must be between 1 and 1000000000.")]
    public int PerKeyPerMinute { get; set; } = 600;

    /// <summary>Requests per minute from one remote address without a valid key or session.</summary>
    [Range(1, 1_000_000_000, ErrorMessage = "Limits:PerAddressPerMinute must be between 1 and 1000000000.")]
    public int PerAddressPerMinute { get; set; } = 60;

    /// <summary>
    /// Wrong keys and failed <c>POST /auth/session</c> per minute from one client address; once used up, further wrong
    /// keys from that address answer 429 until the minute is over. A valid key or session is always answered.
    /// </summary>
    [Range(1, 1_000_000_000, ErrorMessage = "Limits:FailedAuthPerMinute must be between 1 and 1000000000.")]
    public int FailedAuthPerMinute { get; set; } = 10;

    /// <summary>The same for one presented wrong key, from any address (counted under a keyed hash, never the key).</summary>
    [Range(1, 1_000_000_000, ErrorMessage = "Limits:FailedAuthPerPresentedKeyPerMinute must be between 1 and 1000000000.")]
    public int FailedAuthPerPresentedKeyPerMinute { get; set; } = 10;

    /// <summary>Largest request body; a larger one answers 413.</summary>
    [Range(1024, 100L * 1024 * 1024, ErrorMessage = "Limits:MaxRequestBodyBytes must be between 1024 and 104857600.")]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Longest query string (characters after the <c>?</c>); a longer one answers 414.</summary>
    [Range(16, 65536, ErrorMessage = "Limits:MaxQueryLength must be between 16 and 65536.")]
    public int MaxQueryLength { get; set; } = 4096;
}
