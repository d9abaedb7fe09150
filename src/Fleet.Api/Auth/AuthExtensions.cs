using Microsoft.AspNetCore.Authentication;

namespace Fleet.Api.Auth;

public static class AuthExtensions
{
    public static IHostApplicationBuilder AddFleetAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddAuthentication(ApiKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.ReaderPolicy, policy => policy.RequireRole(Roles.Reader, Roles.Admin))
            .AddPolicy(Roles.AdminPolicy, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }
}
