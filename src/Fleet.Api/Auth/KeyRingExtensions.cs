using Fleet.Api.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Auth;

internal static class KeyRingExtensions
{
    /// <summary>
    /// Session cookies are encrypted with the data-protection key ring. Kept in the database with one application name,
    /// every API instance (and every restart) reads the cookies the others issued. Its keys are encrypted at rest with
    /// an X.509 certificate kept outside the database, so a copy of the database cannot mint a cookie.
    /// </summary>
    public static IHostApplicationBuilder AddFleetKeyRing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.Section);
        var options = builder.Configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new();
        var certificate = KeyRingCertificate.Load(
            options, DataExtensions.DefaultDataDirectory(builder.Environment.ContentRootPath), OwnerOnlyFiles.For(builder));

        builder.Services.AddDataProtection()
            .SetApplicationName("Fleet")
            .ProtectKeysWithCertificate(certificate);

        // The framework's EF repository, without a logger: at Debug it logs every key's XML. Only encrypted keys pass.
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, services) =>
            o.XmlRepository = new EncryptedKeysOnlyRepository(
                new EntityFrameworkCoreXmlRepository<FleetDbContext>(services, NullLoggerFactory.Instance)));
        builder.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, KeyMaterialLogFilter>();
        return builder;
    }
}
