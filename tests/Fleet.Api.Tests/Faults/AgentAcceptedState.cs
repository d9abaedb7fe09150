using System.Globalization;
using System.Text.Json;
using Fleet.Api.Tests.EndToEnd;
using Fleet.Api.Tests.Support;
using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Faults;

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
    /// Waits (bounded) until GET /detectors/{id} shows exactly the agent's accepted state; re-reads the agent's record
    /// on every poll, since a heartbeat may move it on meanwhile. Returns the matching view.
    /// </summary>
    public static async Task<(AgentAcceptedState Accepted, DetectorView View)> ConvergedAsync(AgentFaultDeployment stack, DetectorSetup detector, TimeSpan within)
    {
        AgentAcceptedState? accepted = null;
        DetectorView? view = null;
        await Eventually.TrueAsync(
            async () =>
            {
                accepted = Read(detector);
                view = await stack.GetAsync(detector.Id);
                return accepted is not null && view is not null && accepted.Matches(view);
            },
            $"GET /detectors/{detector.Id} shows the agent's accepted state",
            within).ContinueWith(
                t => t.IsFaulted ? throw new TimeoutException($"not converged: accepted {accepted}, shown {Describe(view)}", t.Exception) : t,
                TaskScheduler.Default).Unwrap();
        return (accepted!, view!);
    }

    public static string Describe(DetectorView? view) => view is null
        ? "(none)"
        : string.Create(CultureInfo.InvariantCulture, $"{view.Status} epoch {view.Epoch} seq {view.Seq} [{string.Join(", ", view.Tunnels.Select(t => $"{t.Name}={t.Url}"))}]");

    public bool Matches(DetectorView view) =>
        view.Epoch == Epoch && view.Seq == Seq && view.Tunnels.Count == Urls.Count
        && view.Tunnels.All(t => Urls.TryGetValue(t.Name, out var url) && url == t.Url);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {Epoch} seq {Seq} [{string.Join(", ", Urls.Select(u => $"{u.Key}={u.Value}"))}]");
}
