using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Fleet.Api.Dashboard;

/// <summary>
/// The dashboard: plain files from <c>wwwroot/</c>, embedded in the assembly so they are served whatever the content
/// root is. These files get the strict Content-Security-Policy below; Swagger UI has its own (OpenApi/SwaggerUiSetup).
/// </summary>
public static class DashboardFiles
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseDashboardFiles(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(DashboardFiles).Assembly, "Fleet.Api.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.CacheControl = "no-cache";
            },
        });
        return app;
    }

    /// <summary>Headers every response carries, API and pages alike.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            return next(context);
        });
        return app;
    }
}
