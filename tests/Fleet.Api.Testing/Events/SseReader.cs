using System.Text;

namespace Fleet.Api.Testing.Events;

/// <summary>Reads a text/event-stream response item by item: its <c>event:</c> type and <c>data:</c>; comments are counted.</summary>
public sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    public int Comments { get; private set; }

    /// <summary>The <c>id:</c> of the event <see cref="NextAsync"/> returned last, or null when it had none.</summary>
    public long? Id { get; private set; }

    /// <summary>The <c>retry:</c> the stream sent, if any.</summary>
    public int? Retry { get; private set; }

    /// <summary>The next event (skipping comments), or null when the stream ends.</summary>
    public async Task<(string Type, string Data)?> NextAsync(CancellationToken ct)
    {
        string type = "message";
        var data = new StringBuilder();
        long? id = null;
        while (await _reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    Id = id;
                    return (type, data.ToString());
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                Comments++;
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("retry: ", StringComparison.Ordinal))
            {
                Retry = int.Parse(line[7..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }

        return null;
    }

    /// <summary>Reads until an event satisfies the predicate; every event read on the way is kept in <paramref name="seen"/>.</summary>
    public async Task<(string Type, string Data)> WaitForAsync(
        Func<string, string, bool> predicate, List<(string Type, string Data)> seen, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            (string Type, string Data)? next;
            try
            {
                next = await NextAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching event within {timeout}; seen: {string.Join(" | ", seen.Select(s => s.Type + " " + s.Data))}");
            }

            if (next is not { } item)
            {
                throw new InvalidOperationException("the event stream ended");
            }

            seen.Add(item);
            if (predicate(item.Type, item.Data))
            {
                return item;
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}
