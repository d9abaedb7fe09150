using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Simulator;

/// <summary>
/// Credentials for a simulated fleet, made the way an operator would: <c>fleet-api detectors provision-many</c> (a real
/// process) into the test's database and the test broker's password file, then a broker reload.
/// </summary>
internal static class SimulatedFleet
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    /// <returns>The credentials file (<c>id,password</c> lines) for <c>fleet-sim run --credentials</c>.</returns>
    public static async Task<string> ProvisionAsync(
        MosquittoBroker broker, string connectionString, int count, string prefix, string directory, ITestOutputHelper output)
    {
        var passwd = await broker.SharePasswordFileAsync();
        var credentials = Path.Combine(directory, "credentials.csv");
        var (exit, stdout, stderr) = await ChildProcess.RunAsync(
            "dotnet",
            [
                RepositoryPaths.ApiAssembly, "detectors", "provision-many", "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--prefix", prefix, "--out", credentials, "--mosquitto-passwd", passwd,
                "--Database:Provider=Postgres", $"--ConnectionStrings:Fleet={connectionString}",
            ],
            CommandTimeout,
            directory);
        Assert.True(exit == 0, $"provision-many exited with {exit}: {stderr}");
        output.WriteLine($"[setup] provision-many: {stdout.Trim()} ({stderr.Trim().Split('\n')[^1]})");

        await broker.ReloadAsync();
        var (id, password) = File.ReadLines(credentials).Select(l => l.Split(',', 2)).Select(p => (p[0], p[1])).Last();
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await using var probe = await MqttTestClient.ConnectAsync(broker.Host, broker.Port, id, password, clientId: id);
                    return true;
                }
                catch (Exception ex) when (ex is InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
                {
                    return false;
                }
            },
            $"{id} can log in after the reload");
        return credentials;
    }
}
