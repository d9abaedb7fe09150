namespace Fleet.Cli.Errors;

/// <summary>A failure the user can act on: printed as one line (<c>fleet: …</c>) and turned into the exit code.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
