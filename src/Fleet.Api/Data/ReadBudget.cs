using Fleet.Api.Errors;

namespace Fleet.Api.Data;

/// <summary>
/// A read's time budget (<see cref="DatabaseOptions.ReadTimeout"/>): a database that stops answering (a lock held,
/// a paused server, a black-holed link) makes the read fail as <see cref="DatabaseUnavailableException"/> (503 with
/// Retry-After) instead of holding the request until the client gives up. The client going away still cancels as usual.
/// </summary>
internal static class ReadBudget
{
    public static async Task<T> RunAsync<T>(TimeSpan budget, Func<CancellationToken, Task<T>> read, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(budget);
        try
        {
            return await read(timeout.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new DatabaseUnavailableException($"The database did not answer within {budget.TotalSeconds:0.#} s.", ex);
        }
    }
}
