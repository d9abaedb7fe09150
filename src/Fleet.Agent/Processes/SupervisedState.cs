namespace Fleet.Agent.Processes;

/// <summary>
/// What a <see cref="ProcessSupervisor"/> is doing. The contract's provider.state values starting, running, crashed
/// and stopped map to these; reconnecting and error need knowledge of the tunnel, so the provider decides those.
/// </summary>
internal enum SupervisedState
{
    /// <summary>About to start the process (the first time or after a backoff).</summary>
    Starting,

    /// <summary>The process was started and has not exited yet.</summary>
    Running,

    /// <summary>The process exited (whatever the code) or could not be started; a restart is scheduled.</summary>
    Crashed,

    /// <summary>Stopped on request; the process tree is gone and nothing will restart it.</summary>
    Stopped,
}
