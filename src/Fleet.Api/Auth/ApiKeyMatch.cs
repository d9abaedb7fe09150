namespace Fleet.Api.Auth;

/// <summary>A configured key that a presented key matched: its name, role and <see cref="KeyBinding"/>.</summary>
internal sealed record ApiKeyMatch(string Name, string Role, string Binding);
