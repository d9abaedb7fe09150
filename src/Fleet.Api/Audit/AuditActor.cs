namespace Fleet.Api.Audit;

/// <summary>
/// Who did something and from where. The one rule for both: the authenticated name (an API key's name; a session
/// carries the name of the key it was opened with), else "anonymous"; the connection's address as the forwarded-headers
/// middleware left it (only trusted proxies may change it, see Startup/ForwardedClientAddress).
/// </summary>
public readonly record struct AuditActor(string Name, string? Address)
{
    public const string Anonymous = "anonymous";
    public const int MaxLength = 200;

    public static AuditActor Of(HttpContext http) => Named(http.User.Identity?.Name, http);

    /// <summary>An actor known by other means than the request's user (sign-in: the key just checked; sign-out: the session).</summary>
    public static AuditActor Named(string? name, HttpContext http) =>
        new(string.IsNullOrEmpty(name) ? Anonymous : Clip(name), AddressOf(http));

    /// <summary>The provisioning command line: the operating-system user who ran it, no address.</summary>
    public static AuditActor CommandLine() => new(Clip("command-line:" + Environment.UserName), null);

    private static string? AddressOf(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : null;

    private static string Clip(string name) => name.Length <= MaxLength ? name : name[..MaxLength];
}
