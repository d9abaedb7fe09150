namespace Fleet.Domain.Messages;

/// <summary>
/// The tunnel provider on the Pi. Kind and state stay strings so that a newer agent with a new value is still
/// understood by an older API (the contract only ever adds).
/// </summary>
public sealed record ProviderReport
{
    public required string Kind { get; init; }

    public string? Version { get; init; }

    public string? State { get; init; }

    public int Restarts { get; init; }

    public string? Error { get; init; }
}
