using Fleet.Api.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;

namespace Fleet.Api.Auth;

public static class AuthExtensions
{
    public static IHostApplicationBuilder AddFleetAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        builder.Services.AddSingleton<ApiKeyStore>();
        // Session cookies are encrypted with the data-protection key ring. Kept in the database, with one application
        // name, every API instance (and every restart, container or not) reads the cookies the others issued; the
        // default, a folder in the home directory, is per machine and lost with a container.
        builder.Services.AddDataProtection()
            .SetApplicationName("Fleet")
            .PersistKeysToDbContext<FleetDbContext>();
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
