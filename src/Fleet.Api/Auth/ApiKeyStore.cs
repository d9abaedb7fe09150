using Microsoft.Extensions.Options;

using Fleet.Api.Startup;

namespace Fleet.Api.Auth;

/// <summary>
/// The configured keys, held only as hashes. Follows configuration changes (a reloaded appsettings file, a secret
/// store), swapping the whole set at once, so a key is rotated without a restart: add the new key, move clients
/// over, remove the old one. A change fires <see cref="CredentialChanges"/>, so open streams re-check their key at once.
/// </summary>
internal sealed class ApiKeyStore : IDisposable
{
    private readonly DevelopmentCredentials _development;
    private readonly IDisposable? _subscription;
    private readonly CredentialChanges _changes;
    private volatile ConfiguredKey[] _keys;

    public ApiKeyStore(IOptionsMonitor<AuthOptions> options, DevelopmentCredentials development, CredentialChanges changes)
    {
        _development = development;
        _changes = changes;
        _keys = Build(options.CurrentValue);
        _subscription = options.OnChange(changed =>
        {
            _keys = Build(changed);
            _changes.Fire();
        });
    }

    public int Count => _keys.Length;

    /// <summary>
    /// Whether the very key a session or stream was opened with is still configured with this name and role: a removed
    /// key, a changed role, or a rotated key (same name, new hash) all answer false.
    /// </summary>
    public bool Has(string name, string role, string binding) =>
        _keys.Any(k => string.Equals(k.Name, name, StringComparison.Ordinal)
            && string.Equals(k.Role, role, StringComparison.Ordinal)
            && string.Equals(k.Binding, binding, StringComparison.Ordinal));

    /// <summary>Compares against every key so the time taken does not depend on which one matched.</summary>
    public ApiKeyMatch? Find(string presented)
    {
        ApiKeyMatch? match = null;
        foreach (var key in _keys)
        {
            if (SecretHash.Matches(presented, key.Hash))
            {
                match = new ApiKeyMatch(key.Name, key.Role, key.Binding);
            }
        }

        return match;
    }

    public void Dispose() => _subscription?.Dispose();

    private ConfiguredKey[] Build(AuthOptions options)
    {
        var configured = options.ApiKeys
            .Select(k => (k.Name, k.Role, Hash: k.Sha256 ?? (k.Key is { Length: > 0 } key ? SecretHash.Sha256Hex(key) : string.Empty)))
            .Where(k => k.Hash.Length > 0)
            .Select(k => new ConfiguredKey(k.Name, k.Role, k.Hash, KeyBinding.Of(k.Hash)));
        var development = _development.ApiKeys
            .Select(k => SecretHash.Sha256Hex(k.Key) is var hash ? new ConfiguredKey(k.Name, k.Role, hash, KeyBinding.Of(hash)) : null!);
        return [.. configured, .. development];
    }

    private sealed record ConfiguredKey(string Name, string Role, string Hash, string Binding);
}
