using Microsoft.Extensions.Logging;

namespace Fleet.Agent.Tests.Processes;

/// <summary>Keeps every formatted message (and exception text) so a test can look for leaked secrets.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_messages)
        {
            _messages.Add($"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
