using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.SystemTests.Reachability;

/// <summary>
/// The real <c>mosquitto_sub</c> on a detector's events topic for the whole scenario, as an operator would watch it:
/// -d shows when the broker granted the subscription, -v puts the topic before each payload.
/// </summary>
internal sealed class EventsSubscriber : IAsyncDisposable
{
    private readonly List<string> _lines = [];
    private readonly string _topic;
    private readonly Process _process;

    private EventsSubscriber(string topic, Process process)
    {
        _topic = topic;
        _process = process;
    }

    /// <summary>Every event received so far, oldest first.</summary>
    public IReadOnlyList<FleetEvent> Events
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines
                    .Where(l => l.StartsWith(_topic + " ", StringComparison.Ordinal))
                    .Select(l => JsonSerializer.Deserialize(l[(_topic.Length + 1)..], FleetJsonContext.Default.FleetEvent)!)];
            }
        }
    }

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts mosquitto_sub (bounded by -W <paramref name="lifetime"/>) and returns once the broker sent SUBACK.</summary>
    public static async Task<EventsSubscriber> StartAsync(MosquittoBroker broker, string detectorId, TimeSpan lifetime)
    {
        var topic = FleetTopics.Events(detectorId);
        // stdbuf: its stdout is a pipe here, so without line buffering the SUBACK line would wait in stdio's buffer.
        var start = new ProcessStartInfo("/usr/bin/stdbuf");
        foreach (var argument in (string[])["-oL", "/usr/bin/mosquitto_sub",
            "-h", broker.Host, "-p", broker.Port.ToString(CultureInfo.InvariantCulture),
            "-u", "monitor", "-P", broker.MonitorPassword, "-V", "mqttv5", "-i", $"cli-sub-{Guid.NewGuid():N}",
            "-t", topic, "-q", "1", "-v", "-d", "-W", ((int)lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        EventsSubscriber? subscriber = null;
        List<string> early = [];
        var process = ChildProcess.StartWithOutput(start, line =>
        {
            lock (early)
            {
                if (subscriber is null)
                {
                    early.Add(line);
                    return;
                }
            }

            subscriber.Append(line);
        });
        lock (early)
        {
            subscriber = new EventsSubscriber(topic, process);
            early.ForEach(subscriber.Append);
        }

        await Eventually.TrueAsync(
            () => Task.FromResult(subscriber.Output.Contains("SUBACK", StringComparison.Ordinal) || process.HasExited),
            "mosquitto_sub's SUBACK",
            TimeSpan.FromSeconds(20));
        if (process.HasExited)
        {
            throw new InvalidOperationException($"mosquitto_sub exited with {process.ExitCode}: {subscriber.Output}");
        }

        return subscriber;
    }

    public async ValueTask DisposeAsync()
    {
        ChildProcess.KillQuietly(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Append(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }
}
