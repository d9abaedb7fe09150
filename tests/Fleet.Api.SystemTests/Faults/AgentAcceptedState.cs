using System.Globalization;
using System.Text.Json;
using Fleet.Api.SystemTests.EndToEnd;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Domain.Messages;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// The agent's accepted state, as the agent itself records it: status.json in its state directory is rewritten
/// after every state whose PUBACK came back (connected = true), with that state's epoch, seq and tunnels.
/// </summary>
internal sealed record AgentAcceptedState(long Epoch, long Seq, IReadOnlyDictionary<string, string> Urls)
{
    public static AgentAcceptedState? Read(DetectorSetup detector)
    {
        var path = Path.Combine(detector.StateDirectory, "status.json");
        if (!File.Exists(path))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (!root.TryGetProperty("connected", out var connected) || !connected.GetBoolean()
            || root.GetProperty("epoch").ValueKind != JsonValueKind.Number || root.GetProperty("seq").ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        var urls = root.GetProperty("tunnels").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("url").GetString()!);
        return new AgentAcceptedState(root.GetProperty("epoch").GetInt64(), root.GetProperty("seq").GetInt64(), urls);
    }

    /// <summary>
    /// Waits (bounded, through <see cref="AcceptedStates"/>) until GET /detectors/{id} shows exactly the agent's
    /// accepted state. If the agent moved on meanwhile (a heartbeat), the new accepted state is checked instead.
    /// </summary>
    public static async Task<(AgentAcceptedState Accepted, DetectorView View)> ConvergedAsync(
        AgentFaultDeployment stack, DetectorSetup detector, TimeSpan within, ITestOutputHelper output)
    {
        using var reader = stack.Api.CreateReader();
        for (var attempt = 1; ; attempt++)
        {
            var accepted = (await Eventually.GetAsync(() => Task.FromResult(Read(detector)), a => a is not null, "the agent records an acknowledged state", within))!;
            var ledger = new AcceptedStates();
            ledger.Accept(detector.Id, accepted.Epoch, accepted.Seq, accepted.Urls);
            try
            {
                await ledger.ConvergedAsync(reader, within, output);
                return (accepted, (await stack.GetAsync(detector.Id))!);
            }
            catch (XunitException) when (attempt < 3 && Read(detector) is { } now && (now.Epoch, now.Seq) != (accepted.Epoch, accepted.Seq))
            {
                output.WriteLine($"[observed] the agent moved on from {accepted} to {now} while converging; checking again");
            }
        }
    }

    public static string Describe(DetectorView? view) => view is null
        ? "(none)"
        : string.Create(CultureInfo.InvariantCulture, $"{view.Status} epoch {view.Epoch} seq {view.Seq} [{string.Join(", ", view.Tunnels.Select(t => $"{t.Name}={t.Url}"))}]");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {Epoch} seq {Seq} [{string.Join(", ", Urls.Select(u => $"{u.Key}={u.Value}"))}]");
}
