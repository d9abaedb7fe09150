using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Fleet.Domain.Messages;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults.Support;

/// <summary>
/// The "nothing lost" ledger of the reliability suite: every state a test saw acknowledged by the broker, and the check
/// that the API shows exactly the last one of each detector (epoch, seq and tunnel URLs) within a bound.
/// </summary>
public sealed class AcceptedStates
{
    private readonly ConcurrentDictionary<string, AcceptedState> _states = new(StringComparer.Ordinal);

    public int Count => _states.Count;

    public IReadOnlyDictionary<string, AcceptedState> Snapshot => new Dictionary<string, AcceptedState>(_states, StringComparer.Ordinal);

    /// <summary>Records an acknowledged state; an older (epoch, seq) than one already recorded never replaces it.</summary>
    public void Accept(string id, long epoch, long seq, IReadOnlyDictionary<string, string> urlsByTunnel)
    {
        var accepted = new AcceptedState(epoch, seq, new Dictionary<string, string>(urlsByTunnel, StringComparer.Ordinal));
        _states.AddOrUpdate(id, accepted, (_, old) => (old.Epoch, old.Seq).CompareTo((epoch, seq)) <= 0 ? accepted : old);
    }

    public void Accept(StateMessage state) =>
        Accept(state.DetectorId, state.Epoch, state.Seq, state.Tunnels.ToDictionary(t => t.Name, t => t.Url, StringComparer.Ordinal));

    /// <summary>A detector that was decommissioned or whose accepted state no longer applies.</summary>
    public void Forget(string id) => _states.TryRemove(id, out _);

    /// <summary>Loads the simulator's <c>--acked-out</c> file: {"id": {"epoch":E,"seq":S,"tunnels":{"name":"url"}}}.</summary>
    public void Load(string ackedOutJsonFile)
    {
        var root = JsonNode.Parse(File.ReadAllText(ackedOutJsonFile))?.AsObject()
            ?? throw new InvalidDataException($"{ackedOutJsonFile} is not a JSON object.");
        foreach (var (id, node) in root)
        {
            var tunnels = node!["tunnels"]?.AsObject().ToDictionary(t => t.Key, t => t.Value!.GetValue<string>(), StringComparer.Ordinal)
                ?? [];
            Accept(id, node["epoch"]!.GetValue<long>(), node["seq"]!.GetValue<long>(), tunnels);
        }
    }

    /// <summary>
    /// Waits until <c>GET /detectors/{id}</c> shows every accepted state exactly, or throws with what differs. The bound
    /// is the definition of "nothing lost" (e.g. 15 s after a fault ends), not a speed target.
    /// </summary>
    public async Task<TimeSpan> ConvergedAsync(HttpClient reader, TimeSpan within, ITestOutputHelper output)
    {
        var started = Stopwatch.StartNew();
        var expected = Snapshot;
        var pending = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in expected.Keys)
        {
            pending[id] = "not checked yet";
        }

        while (true)
        {
            foreach (var id in pending.Keys.ToList())
            {
                var difference = await DifferenceAsync(reader, id, expected[id]);
                if (difference is null)
                {
                    pending.Remove(id);
                }
                else
                {
                    pending[id] = difference;
                }
            }

            if (pending.Count == 0)
            {
                output.WriteLine($"[observed] all {expected.Count} accepted states shown after {started.Elapsed.TotalSeconds:0.0} s");
                return started.Elapsed;
            }

            if (started.Elapsed > within)
            {
                var sample = string.Join("; ", pending.Take(10).Select(p => $"{p.Key}: {p.Value}"));
                throw new Xunit.Sdk.XunitException(
                    $"{pending.Count} of {expected.Count} detectors do not show their accepted state {within.TotalSeconds:0} s on: {sample}");
            }

            await Task.Delay(pending.Count > 50 ? 500 : 100);
        }
    }

    private static async Task<string?> DifferenceAsync(HttpClient reader, string id, AcceptedState expected)
    {
        HttpResponseMessage response;
        try
        {
            response = await reader.GetAsync($"/detectors/{id}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return $"GET failed: {ex.Message}";
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"GET answered {(int)response.StatusCode}";
            }

            var shown = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var epoch = shown["epoch"]?.GetValue<long>();
            var seq = shown["seq"]?.GetValue<long>();
            var tunnels = shown["tunnels"]?.AsArray()
                .ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!["url"]!.GetValue<string>(), StringComparer.Ordinal) ?? [];
            var same = epoch == expected.Epoch && seq == expected.Seq
                && tunnels.Count == expected.Tunnels.Count
                && expected.Tunnels.All(t => tunnels.TryGetValue(t.Key, out var url) && url == t.Value);
            return same
                ? null
                : $"shows epoch {epoch} seq {seq} [{string.Join(", ", tunnels.Select(t => $"{t.Key}={t.Value}"))}], accepted {expected}";
        }
    }
}
