using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Testing.Dashboard;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// The data-protection key ring in the database is encrypted with a certificate kept elsewhere: a copy of the database
/// (the stored key XML) alone cannot read a session cookie, so it cannot mint one either.
/// </summary>
public sealed class KeyRingAtRestTests
{
    private const string CookiePurpose = "Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware";

    [Fact]
    public async Task StoredKeyXml_WithoutTheCertificate_CannotDecryptASessionCookie_WithItCan()
    {
        await using var api = await SecurityApi.StartAsync();
        using var http = SecurityApi.Client(api);
        var (_, cookie) = await SessionCookies.SignInAsync(http, TestKeys.Reader);
        Assert.NotNull(cookie);
        var payload = WebEncoders.Base64UrlDecode(SessionCookies.Pair(cookie).Split('=', 2)[1]);
        var stored = await api.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync());
        Assert.NotEmpty(stored);
        Assert.All(stored, xml =>
        {
            Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("masterKey", xml, StringComparison.Ordinal);
        });

        // The attacker's copy: the same key XML, the same application name, no certificate.
        var stolen = Directory.CreateTempSubdirectory("fleet-stolen-keys-");
        try
        {
            for (var i = 0; i < stored.Count; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(stolen.FullName, $"key-{i}.xml"), stored[i]);
            }

            var withoutCertificate = DataProtectionProvider.Create(stolen, b => b.SetApplicationName("Fleet"))
                .CreateProtector(CookiePurpose, SessionCookie.SchemeName, "v2");
            Assert.ThrowsAny<CryptographicException>(() => withoutCertificate.Unprotect(payload));

            // The control: with the API's certificate the same copy does read the cookie, so the purposes above are right.
            var contentRoot = api.Services.GetRequiredService<IHostEnvironment>().ContentRootPath;
            using var certificate = X509CertificateLoader.LoadPkcs12FromFile(
                Path.Combine(DataExtensions.DefaultDataDirectory(contentRoot), KeyRingCertificate.DefaultFileName), null);
            var withCertificate = DataProtectionProvider.Create(stolen, b => b.SetApplicationName("Fleet").UnprotectKeysWithAnyCertificate(certificate))
                .CreateProtector(CookiePurpose, SessionCookie.SchemeName, "v2");
            Assert.NotEmpty(withCertificate.Unprotect(payload));
        }
        finally
        {
            stolen.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task UnencryptedKey_InTheDatabase_IsDeletedAtStart_AndNewKeysAreEncrypted()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("keyring");
        await using (var db = new PostgresFleetDbContext(new DbContextOptionsBuilder<PostgresFleetDbContext>().UseNpgsql(connectionString).Options))
        {
            await db.Database.MigrateAsync();
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "key-legacy", Xml = UnencryptedKeyXml() });
            await db.SaveChangesAsync();
        }

        await using var api = new FleetApiFactory(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()));
        using var http = SecurityApi.Client(api);
        var (signIn, _) = await SessionCookies.SignInAsync(http, TestKeys.Reader);

        Assert.Equal(System.Net.HttpStatusCode.NoContent, signIn.StatusCode);
        var stored = await api.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync());
        Assert.NotEmpty(stored);
        Assert.All(stored, xml => Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal));
    }

    /// <summary>A key as the framework writes it without an encryptor (as this API did before): the master key in clear.</summary>
    private static string UnencryptedKeyXml()
    {
        var folder = Directory.CreateTempSubdirectory("fleet-plain-key-");
        try
        {
            DataProtectionProvider.Create(folder, b => b.SetApplicationName("Fleet")).CreateProtector("x").Protect([1]);
            var xml = File.ReadAllText(Directory.GetFiles(folder.FullName, "key-*.xml").Single());
            Assert.Contains("masterKey", XElement.Parse(xml).ToString(), StringComparison.Ordinal);
            return xml;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
