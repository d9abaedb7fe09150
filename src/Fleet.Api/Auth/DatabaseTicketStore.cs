using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Fleet.Api.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Auth;

/// <summary>
/// The framework's server-side session store for the session cookie, kept in the database: the cookie carries only a
/// random 256-bit session key (encrypted by data protection), the ticket stays in <c>sessions</c> under the key's
/// SHA-256. Sign-out deletes the row, so a replayed cookie is refused by every API instance, and after restarts.
/// </summary>
internal sealed class DatabaseTicketStore(IServiceScopeFactory scopes, TimeProvider clock, CredentialChanges changes) : ITicketStore
{
    /// <summary>The session's row id, added to the ticket so an open stream can re-check its session.</summary>
    public const string SessionClaimType = "fleet:session";

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var key = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var id = IdOf(key);
        var identity = ticket.Principal.Identity as ClaimsIdentity
            ?? throw new InvalidOperationException("A session needs a claims identity.");
        identity.AddClaim(new Claim(SessionClaimType, id));
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        db.Sessions.Add(new SessionRecord
        {
            Id = id,
            KeyBinding = identity.FindFirst(KeyBinding.ClaimType)?.Value ?? string.Empty,
            CreatedAt = now,
            ExpiresAt = ticket.Properties.ExpiresUtc ?? now + SessionCookie.Lifetime,
            Ticket = TicketSerializer.Default.Serialize(ticket),
        });
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    /// <summary>Sliding expiration: moves the row's expiry; a session deleted meanwhile stays deleted.</summary>
    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var id = IdOf(key);
        var bytes = TicketSerializer.Default.Serialize(ticket);
        var expires = ticket.Properties.ExpiresUtc ?? clock.GetUtcNow() + SessionCookie.Lifetime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        await db.Sessions.Where(s => s.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Ticket, bytes).SetProperty(s => s.ExpiresAt, expires), cancellationToken);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        var id = IdOf(key);
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var ticket = await db.Sessions.AsNoTracking()
            .Where(s => s.Id == id && s.ExpiresAt > now)
            .Select(s => s.Ticket)
            .SingleOrDefaultAsync(cancellationToken);
        return ticket is null ? null : TicketSerializer.Default.Deserialize(ticket);
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        var id = IdOf(key);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        await db.Sessions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        changes.Fire();
    }

    /// <summary>Whether the session with this row id still exists and has not expired (an open stream's re-check).</summary>
    public async Task<bool> IsActiveAsync(string id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        return await db.Sessions.AnyAsync(s => s.Id == id && s.ExpiresAt > now, cancellationToken);
    }

    /// <summary>Deletes expired sessions; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        return await db.Sessions.Where(s => s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
    }

    private static string IdOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
