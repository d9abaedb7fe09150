namespace Fleet.Testing.Processes;

/// <summary>How an <see cref="ApiProcess"/> is started: its environment and configuration.</summary>
public sealed record ApiProcessOptions
{
    /// <summary>A label for log lines ("api-1", "api-2").</summary>
    public string Name { get; init; } = "api";

    /// <summary>ASPNETCORE_ENVIRONMENT and DOTNET_ENVIRONMENT.</summary>
    public string Environment { get; init; } = "Testing";

    /// <summary>Configuration values, given on the command line as <c>--key=value</c>; a null value is left out.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Secret configuration values: through the environment, not the command line that `ps` shows to every user.</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Whether <see cref="ApiProcess.StartAsync"/> waits until /health/live answers (and fails if the process exits
    /// first); off for a start that is expected to fail, or one a test watches through the output.
    /// </summary>
    public bool WaitUntilLive { get; init; } = true;
}
