using Microsoft.Extensions.Options;

using Fleet.Api.Startup;

namespace Fleet.Api.Auth;

/// <summary>
/// The configured keys, held only as hashes. Follows configuration changes (a reloaded appsettings file, a secret
/// store), swapping the whole set at once, so a key is rotated without a restart: add the new key, move clients
/// over, remove the old one.
/// </summary>
internal sealed class ApiKeyStore : IDisposable
{
    private readonly DevelopmentCredentials _development;
    private readonly IDisposable? _subscription;
    private volatile (string Name, string Role, string Hash)[] _keys;

    public ApiKeyStore(IOptionsMonitor<AuthOptions> options, DevelopmentCredentials development)
    {
        _development = development;
        _keys = Build(options.CurrentValue);
        _subscription = options.OnChange(changed => _keys = Build(changed));
    }

    public int Count => _keys.Length;

    /// <summary>Whether a key with this name and role is still configured (a session ends when its key does).</summary>
    public bool Has(string name, string role) =>
        _keys.Any(k => string.Equals(k.Name, name, StringComparison.Ordinal) && string.Equals(k.Role, role, StringComparison.Ordinal));

    /// <summary>Compares against every key so the time taken does not depend on which one matched.</summary>
    public (string Name, string Role)? Find(string presented)
    {
        (string Name, string Role)? match = null;
        foreach (var key in _keys)
        {
            if (SecretHash.Matches(presented, key.Hash))
            {
                match = (key.Name, key.Role);
            }
        }

        return match;
    }

    public void Dispose() => _subscription?.Dispose();

    private (string Name, string Role, string Hash)[] Build(AuthOptions options)
    {
        var configured = options.ApiKeys
            .Select(k => (k.Name, k.Role, Hash: k.Sha256 ?? (k.Key is { Length: > 0 } key ? SecretHash.Sha256Hex(key) : string.Empty)))
            .Where(k => k.Hash.Length > 0);
        return [.. configured, .. _development.ApiKeys.Select(k => (k.Name, k.Role, SecretHash.Sha256Hex(k.Key)))];
    }
}
