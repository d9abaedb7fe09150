namespace Fleet.Api.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Several keys per role are allowed, so a key can be rotated without downtime.</summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}
