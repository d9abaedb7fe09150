namespace Fleet.Simulator.Cli;

internal sealed class UsageException(string message) : Exception(message);
