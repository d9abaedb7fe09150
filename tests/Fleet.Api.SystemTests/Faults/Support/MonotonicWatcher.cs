using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults.Support;

/// <summary>
/// Polls <c>GET /detectors</c> (every page) throughout a fault and records any detector shown with a lower (epoch, seq)
/// than it was shown with before: the "monotonic" rule of the reliability suite. Failed polls (the API or its database
/// down) are counted, not violations. An epoch reset (a re-flashed card after the reset window) is a legitimate
/// decrease, so a test that provokes one must not use this watcher for that detector.
/// </summary>
public sealed class MonotonicWatcher : IAsyncDisposable
{
    private readonly HttpClient _reader;
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentDictionary<string, (long Epoch, long Seq)> _highest = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _polls;
    private int _failedPolls;

    private MonotonicWatcher(HttpClient reader, ITestOutputHelper output)
    {
        _reader = reader;
        _output = output;
        _loop = Task.Run(LoopAsync);
    }

    public int Polls => _polls;

    public int FailedPolls => _failedPolls;

    public IReadOnlyList<string> Violations => [.. _violations];

    /// <summary>
    /// Starts polling and returns once a poll has succeeded: the watcher has seen every detector before the test
    /// injects its fault (started just before a fault, its first poll could otherwise meet the outage, and a quick
    /// recovery could end the test before a second one).
    /// </summary>
    public static async Task<MonotonicWatcher> StartAsync(HttpClient reader, ITestOutputHelper output)
    {
        var watcher = new MonotonicWatcher(reader, output);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(watcher.Polls > 0), "the monotonic watcher's first successful poll of GET /detectors");
            return watcher;
        }
        catch
        {
            await watcher.DisposeAsync();
            throw;
        }
    }

    public void AssertMonotonic()
    {
        _output.WriteLine($"[observed] monotonic watcher: {_polls} polls ({_failedPolls} failed), {_highest.Count} detectors, {_violations.Count} regressions");
        Assert.True(_polls > 0, "the watcher polled at least once");
        Assert.True(_violations.IsEmpty, "GET /detectors went backwards: " + string.Join("; ", _violations.Take(10)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await PollAsync(_stop.Token);
                Interlocked.Increment(ref _polls);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException)
            {
                Interlocked.Increment(ref _failedPolls);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _stop.Token);
        }
    }

    private async Task PollAsync(CancellationToken ct)
    {
        string? next = "/detectors?limit=1000";
        while (next is not null)
        {
            using var response = await _reader.GetAsync(next, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {next} answered {(int)response.StatusCode}");
            }

            foreach (var detector in JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsArray())
            {
                var id = detector!["id"]!.GetValue<string>();
                if (detector["epoch"]?.GetValue<long>() is not { } epoch || detector["seq"]?.GetValue<long>() is not { } seq)
                {
                    continue;
                }

                _highest.AddOrUpdate(id, (epoch, seq), (_, before) =>
                {
                    if ((epoch, seq).CompareTo(before) < 0)
                    {
                        _violations.Enqueue($"{id}: shown epoch {before.Epoch} seq {before.Seq}, then epoch {epoch} seq {seq}");
                        return before;
                    }

                    return (epoch, seq);
                });
            }

            next = NextLink(response);
        }
    }

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        var link = values.FirstOrDefault(v => v.Contains("rel=\"next\"", StringComparison.Ordinal));
        if (link is null)
        {
            return null;
        }

        var start = link.IndexOf('<', StringComparison.Ordinal) + 1;
        var uri = new Uri(link[start..link.IndexOf('>', StringComparison.Ordinal)], UriKind.RelativeOrAbsolute);
        return uri.IsAbsoluteUri ? uri.PathAndQuery : uri.ToString();
    }
}
