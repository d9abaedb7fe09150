namespace Fleet.Api.Auth;

/// <summary>One API key. Give <see cref="Sha256"/> (hex) in files; <see cref="Key"/> is for secret stores and environment variables.</summary>
public sealed class ApiKeyEntry
{
    public string Name { get; set; } = string.Empty;

    public string Role { get; set; } = Roles.Reader;

    public string? Key { get; set; }

    public string? Sha256 { get; set; }
}
