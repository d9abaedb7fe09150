using Fleet.Api.Registry;

namespace Fleet.Api.Testing.Data;

/// <summary>For writers tested without an API host: no registry to tell.</summary>
public sealed class IgnoredDetectorChanges : IDetectorChanges
{
    public Task ChangedAsync(IReadOnlyCollection<string> ids, CancellationToken ct) => Task.CompletedTask;

    public void Changed(IReadOnlyCollection<string> ids)
    {
    }

    public Task HeardAsync(CancellationToken ct) => Task.CompletedTask;
}
