using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Fleet.Api.Auth;

public static class AuthExtensions
{
    public static IHostApplicationBuilder AddFleetAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        builder.Services.AddSingleton<CredentialChanges>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<DatabaseTicketStore>();
        builder.Services.AddSingleton<CredentialCheck>();
        builder.Services.AddHostedService<SessionCleanupService>();
        builder.AddFleetKeyRing();
        builder.Services.AddAuthentication(ApiKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null)
            .AddCookie(SessionCookie.SchemeName, o => SessionCookie.Configure(o, builder.Environment));
        // Server-side sessions: sign-out, a removed key and a rotated key end them on every instance.
        builder.Services.AddOptions<CookieAuthenticationOptions>(SessionCookie.SchemeName)
            .Configure<DatabaseTicketStore>((o, store) => o.SessionStore = store);

        // Both schemes, the key first: without any credential its handler writes the 401 problem details.
        string[] schemes = [ApiKeyHandler.SchemeName, SessionCookie.SchemeName];
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.ReaderPolicy, policy => policy.AddAuthenticationSchemes(schemes).RequireRole(Roles.Reader, Roles.Admin))
            .AddPolicy(Roles.AdminPolicy, policy => policy.AddAuthenticationSchemes(schemes).RequireRole(Roles.Admin));
        return builder;
    }
}
