using System.Security.Claims;

namespace Fleet.Api.Auth;

/// <summary>
/// Whether the credential a long request (an <c>/events</c> stream) was opened with is still valid: the very key
/// (name, role and binding) still configured, and, for a session, its row still there and unexpired.
/// </summary>
internal sealed class CredentialCheck(ApiKeyStore keys, DatabaseTicketStore sessions, CredentialChanges changes)
{
    /// <summary>Cancelled at the next local change (keys reloaded, a session deleted here).</summary>
    public CancellationToken Changed => changes.Token;

    public async Task<bool> IsValidAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var any = false;
        foreach (var identity in user.Identities.Where(i => i.IsAuthenticated))
        {
            var name = identity.Name;
            var role = identity.FindFirst(identity.RoleClaimType)?.Value;
            var binding = identity.FindFirst(KeyBinding.ClaimType)?.Value;
            if (name is null || role is null || binding is null || !keys.Has(name, role, binding))
            {
                return false;
            }

            if (identity.FindFirst(DatabaseTicketStore.SessionClaimType)?.Value is { } session && !await sessions.IsActiveAsync(session, ct))
            {
                return false;
            }

            any = true;
        }

        return any;
    }
}
