namespace Fleet.Api.Data;

/// <summary>
/// One browser session (<c>POST /auth/session</c>). The cookie carries only a random session key; this row holds the
/// ticket. Deleting the row (sign-out, a removed or rotated key) ends the session on every API instance at once.
/// </summary>
public sealed class SessionRecord
{
    /// <summary>SHA-256 (hex) of the session key in the cookie: a copy of the table gives no usable key.</summary>
    public required string Id { get; set; }

    /// <summary>The <c>KeyBinding</c> of the API key the session was opened with (a fingerprint, never the key).</summary>
    public required string KeyBinding { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The serialized authentication ticket (name, role, key binding, expiry).</summary>
    public required byte[] Ticket { get; set; }
}
