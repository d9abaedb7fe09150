namespace Fleet.Api.Mqtt;

/// <summary>
/// Which identity owns each client id of the embedded broker's sessions, and how many sessions each identity holds.
/// MQTTnet resumes a session by client id alone; this is what ties a client id to the identity that created it.
/// A claim is released when MQTTnet deletes the session.
/// </summary>
internal sealed class ClientIdRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byOwner = new(StringComparer.Ordinal);

    public ClientIdClaim TryClaim(string clientId, string owner, int maxPerOwner)
    {
        lock (_gate)
        {
            if (_owners.TryGetValue(clientId, out var current))
            {
                return current == owner ? ClientIdClaim.Owned : ClientIdClaim.OwnedByAnother;
            }

            var ids = _byOwner.TryGetValue(owner, out var existing) ? existing : _byOwner[owner] = new HashSet<string>(StringComparer.Ordinal);
            if (ids.Count >= maxPerOwner)
            {
                return ClientIdClaim.QuotaExceeded;
            }

            ids.Add(clientId);
            _owners[clientId] = owner;
            return ClientIdClaim.Claimed;
        }
    }

    public string? OwnerOf(string clientId)
    {
        lock (_gate)
        {
            return _owners.GetValueOrDefault(clientId);
        }
    }

    public IReadOnlyList<string> ClientIdsOf(string owner)
    {
        lock (_gate)
        {
            return _byOwner.TryGetValue(owner, out var ids) ? [.. ids] : [];
        }
    }

    public void Release(string clientId)
    {
        lock (_gate)
        {
            if (_owners.Remove(clientId, out var owner) && _byOwner.TryGetValue(owner, out var ids))
            {
                ids.Remove(clientId);
                if (ids.Count == 0)
                {
                    _byOwner.Remove(owner);
                }
            }
        }
    }
}
