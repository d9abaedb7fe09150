using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Fleet.Api.Limits;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Auth;

/// <summary>Authenticates <c>X-Api-Key</c> or <c>Authorization: Bearer</c>; answers 401 and 403 as problem details.</summary>
internal sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    FailedAuthentications failures,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    private const string BlockedItem = "fleet.failed-auth-blocked";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ReadKey();
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(presented) is not { } key)
        {
            if (!failures.TryRecord(Context, presented, out var retryAfter))
            {
                Context.Items[BlockedItem] = retryAfter;
            }

            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var identity = new ClaimsIdentity(Claims(key), SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>The claims of a key's identity, for the key itself and for a session opened with it.</summary>
    internal static Claim[] Claims(ApiKeyMatch key) =>
        [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role), new Claim(KeyBinding.ClaimType, key.Binding)];

    /// <summary>Whether this request's wrong key came after its address or key had used up the failed-authentication allowance.</summary>
    internal static bool IsBlocked(HttpContext context, out TimeSpan retryAfter)
    {
        retryAfter = context.Items.TryGetValue(BlockedItem, out var value) && value is TimeSpan wait ? wait : TimeSpan.Zero;
        return retryAfter > TimeSpan.Zero;
    }

    internal static Task WriteBlockedAsync(HttpContext context, TimeSpan retryAfter) =>
        Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            "Too many wrong API keys from this address or for this key; try again later (a valid key is always accepted).", retryAfter);

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (IsBlocked(Context, out var retryAfter))
        {
            await WriteBlockedAsync(Context, retryAfter);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\", Bearer";
        var detail = ReadKey() is null
            ? $"An API key is required: send it in the {HeaderName} header or as Authorization: Bearer <key> (a browser signs in with POST /auth/session)."
            : "The API key is not valid.";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "This API key's role does not allow this operation.");
    }

    private string? ReadKey() => ReadKey(Request);

    /// <summary>The key in <c>X-Api-Key</c> or <c>Authorization: Bearer</c>, if any.</summary>
    internal static string? ReadKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.Count == 1 && !string.IsNullOrEmpty(header[0]))
        {
            return header[0];
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7
            ? authorization[7..].Trim()
            : null;
    }

    private Task WriteProblemAsync(int status, string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
}
