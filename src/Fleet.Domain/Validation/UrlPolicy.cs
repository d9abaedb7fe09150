namespace Fleet.Domain.Validation;

/// <summary>Operator settings for tunnel URLs: an optional allow-list of host suffixes (e.g. ".ngrok-free.app").</summary>
public sealed record UrlPolicy(IReadOnlyList<string> AllowedHostSuffixes)
{
    public static UrlPolicy Open { get; } = new([]);
}
