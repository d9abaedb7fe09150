using Fleet.Benchmarks;
using Fleet.Benchmarks.Scenarios;

// `fleet-bench [run] [options]`: the whole benchmark (benchmarks/run.sh calls this after building).
// `fleet-bench ceiling-reads --port P --connection-string CS`: the bare Kestrel + Npgsql endpoint the reads are compared with.
if (args is ["ceiling-reads", .. var rest])
{
    return await ReadsCeilingServer.RunAsync(rest);
}

BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args is ["run", .. var options] ? options : args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    await Console.Error.WriteLineAsync(BenchSettings.Usage);
    return 2;
}

return await BenchmarkRunner.RunAsync(settings);
