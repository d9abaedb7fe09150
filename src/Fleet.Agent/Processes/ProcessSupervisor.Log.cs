namespace Fleet.Agent.Processes;

/// <summary>The supervisor's journal messages. Commands are masked with the log file's secrets before they get here.</summary>
internal sealed partial class ProcessSupervisor
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} started with pid {ProcessId}: {Command}")]
    private partial void LogStarted(string name, int processId, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} (pid {ProcessId}) exited with code {ExitCode} after {Uptime}")]
    private partial void LogExited(string name, int processId, int exitCode, TimeSpan uptime);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Name} could not be started ({Command}): {Reason}")]
    private partial void LogStartFailed(string name, string command, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} restarts in {Delay} ({Failures} consecutive failures)")]
    private partial void LogRestartScheduled(string name, TimeSpan delay, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} stopping: killing the process tree of pid {ProcessId}")]
    private partial void LogKilling(string name, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name}: not every process in the tree of pid {ProcessId} could be killed")]
    private partial void LogKillFailed(string name, int processId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} (pid {ProcessId}) had not exited {Timeout} after being killed")]
    private partial void LogKillTimedOut(string name, int processId, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} supervision stopped")]
    private partial void LogStopped(string name);



    [LoggerMessage(Level = LogLevel.Error, Message = "{Name}: a {EventName} handler threw")]
    private partial void LogHandlerFailed(string name, string eventName, Exception exception);
}
