using Fleet.Api.Auth;
using Fleet.Api.SystemTests.EndToEnd;

namespace Fleet.Api.SystemTests.Faults.Support;

/// <summary>
/// Agent processes (the built fleet-agent with the static provider) against a test's broker, for faults that concern
/// the whole chain: they reconnect, take a new epoch and republish by themselves, as on a Pi.
/// </summary>
internal sealed class FaultAgents : IAsyncDisposable
{
    private readonly List<AgentProcess> _agents = [];
    private readonly List<string> _directories = [];

    private readonly List<string> _ids = [];

    public IReadOnlyList<string> Ids => [.. _ids];

    /// <summary>Starts <paramref name="count"/> agents. The heartbeat is long, so a state changes only on a (re)connect.</summary>
    public static async Task<FaultAgents> StartAsync(MosquittoBroker broker, string prefix, int count, CancellationToken ct = default)
    {
        var agents = new FaultAgents();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var id = Messages.NewId($"{prefix}{i}");
                var password = SecretHash.NewSecret();
                await broker.AddUserAsync(id, password, ct);
                var work = Directory.CreateTempSubdirectory($"fleet-fault-agent-{id}-").FullName;
                agents._directories.Add(work);
                var passwordFile = Path.Combine(work, "mqtt-password");
                await File.WriteAllTextAsync(passwordFile, password, ct);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                var agent = new AgentProcess(work, new
                {
                    DetectorId = id,
                    StateDirectory = Path.Combine(work, "state"),
                    LogDirectory = Path.Combine(work, "log"),
                    Heartbeat = "01:00:00",
                    Provider = "static",
                    Static = new { Tunnels = new[] { new { Name = "web", Url = $"https://{id}.example.net", Proto = "https" } } },
                    Mqtt = EndToEnd.FleetDeployment.MqttSection(broker, passwordFile),
                });
                agents._agents.Add(agent);
                agents._ids.Add(id);
                agent.Start();
            }

            return agents;
        }
        catch
        {
            await agents.DisposeAsync();
            throw;
        }
    }

    public string OutputTail(int lines) =>
        string.Join('\n', _agents.SelectMany(a => a.Output.Split('\n').TakeLast(lines).Select(l => $"[{Path.GetFileName(a.WorkDirectory)}] {l}")));

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        foreach (var directory in _directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }
}
