namespace Fleet.Api.Auth;

/// <summary>
/// Fired whenever a credential may have ended (the key set was reloaded, a session was deleted here): open
/// <c>/events</c> streams wait on <see cref="Token"/> and re-check their key or session at once. Sessions deleted by
/// another API instance are caught by the streams' periodic re-check instead.
/// </summary>
internal sealed class CredentialChanges : IDisposable
{
    private CancellationTokenSource _source = new();

    /// <summary>Take it before checking; it is cancelled at the next change.</summary>
    public CancellationToken Token => Volatile.Read(ref _source).Token;

    public void Fire()
    {
        var previous = Interlocked.Exchange(ref _source, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    public void Dispose() => _source.Dispose();
}
