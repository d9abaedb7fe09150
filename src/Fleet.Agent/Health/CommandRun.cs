namespace Fleet.Agent.Health;

/// <summary>What one bounded run of a command left: its exit code (null when it was killed or could not start) and the first line it printed.</summary>
internal sealed record CommandRun(int? ExitCode, string? FirstLine, bool TimedOut = false, string? StartError = null);
