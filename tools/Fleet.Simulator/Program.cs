using Fleet.Simulator.Cli;
using Fleet.Simulator.Count;
using Fleet.Simulator.Run;

try
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        // First Ctrl+C ends the run cleanly (offline, DISCONNECT, summary); a second one kills.
        e.Cancel = !stop.IsCancellationRequested;
        stop.Cancel();
    };
    using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(
        System.Runtime.InteropServices.PosixSignal.SIGTERM,
        c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });

    return args switch
    {
        ["run", .. var rest] => await RunCommand.ExecuteAsync(RunOptions.Parse(rest), stop.Token),
        ["count", .. var rest] => await CountCommand.ExecuteAsync(CountOptions.Parse(rest), stop.Token),
        _ => throw new UsageException("expected a verb: run or count"),
    };
}
catch (UsageException ex)
{
    await Console.Error.WriteLineAsync($"fleet-sim: {ex.Message}\n\n{Usage.Text}");
    return 2;
}
