namespace Fleet.Api.OpenApi;

/// <summary>
/// Swagger UI at <c>/swagger</c>. Pasted API keys live only in the page's memory (no persistAuthorization: Swagger UI
/// would otherwise keep them in localStorage, readable by any script on this origin for ever), and the pages get a
/// Content-Security-Policy of their own: Swashbuckle 10's index.html loads its bundle, presets and index.js as files
/// (no inline script), so scripts come from 'self' only. Styles too, but for the one &lt;style&gt; element the Swagger UI
/// bundle injects at run time, allowed by its hash (SwaggerUiBrowserTests fails, naming the new hash, if an upgrade
/// changes it).
/// </summary>
public static class SwaggerUiSetup
{
    public const string RoutePrefix = "swagger";

    /// <summary>The &lt;style&gt; element swagger-ui-bundle.js (Swashbuckle.AspNetCore.SwaggerUI 10.3.1) adds.</summary>
    public const string InjectedStyleHash = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

    /// <summary>Like the dashboard's, plus that style's hash and data: images and fonts (Swagger UI's icons are data: URIs).</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' " + InjectedStyleHash + "; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseFleetSwaggerUi(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/" + RoutePrefix, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }

            return next(context);
        });
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/openapi/v1.json", "Fleet API v1");
            ui.RoutePrefix = RoutePrefix;
            ui.DocumentTitle = "Fleet API";
            ui.ConfigObject.PersistAuthorization = false;
        });
        return app;
    }
}
