using Microsoft.Extensions.Options;

using Fleet.Api.Startup;

namespace Fleet.Api.Auth;

/// <summary>The configured keys, held only as hashes.</summary>
internal sealed class ApiKeyStore
{
    private readonly (string Name, string Role, string Hash)[] _keys;

    public ApiKeyStore(IOptionsMonitor<AuthOptions> options, DevelopmentCredentials development)
    {
        var configured = options.CurrentValue.ApiKeys
            .Select(k => (k.Name, k.Role, Hash: k.Sha256 ?? (k.Key is { Length: > 0 } key ? SecretHash.Sha256Hex(key) : string.Empty)))
            .Where(k => k.Hash.Length > 0);
        _keys = [.. configured, .. development.ApiKeys.Select(k => (k.Name, k.Role, SecretHash.Sha256Hex(k.Key)))];
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
}
