namespace Fleet.Api.Auth;

/// <summary>The body of <c>POST /auth/session</c> (the key may come in <c>X-Api-Key</c> instead).</summary>
public sealed record SessionRequest(string? Key);
