using Microsoft.AspNetCore.Authentication;

namespace Fleet.Api.Auth;

public static class AuthExtensions
{
    public static IHostApplicationBuilder AddFleetAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddAuthentication(ApiKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null)
            .AddCookie(SessionCookie.SchemeName, o => SessionCookie.Configure(o, builder.Environment));

        // Both schemes, the key first: without any credential its handler writes the 401 problem details.
        string[] schemes = [ApiKeyHandler.SchemeName, SessionCookie.SchemeName];
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.ReaderPolicy, policy => policy.AddAuthenticationSchemes(schemes).RequireRole(Roles.Reader, Roles.Admin))
            .AddPolicy(Roles.AdminPolicy, policy => policy.AddAuthenticationSchemes(schemes).RequireRole(Roles.Admin));
        return builder;
    }
}
