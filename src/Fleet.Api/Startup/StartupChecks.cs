using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Links;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Startup;

public static class StartupChecks
{
    /// <summary>Refuses to run without keys outside Development, applies migrations, and seeds the development detector.</summary>
    public static async Task PrepareFleetAsync(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment() && app.Services.GetRequiredService<ApiKeyStore>().Count == 0)
        {
            throw new InvalidOperationException(
                $"No API keys are configured for the {app.Environment.EnvironmentName} environment. " +
                "Set Auth:ApiKeys:0:Name, Auth:ApiKeys:0:Role (reader or admin) and Auth:ApiKeys:0:Sha256 (or :Key from a secret store).");
        }

        app.WarnWhenUnrestricted();
        await app.MigrateFleetDatabaseAsync();

        var development = app.Services.GetRequiredService<DevelopmentCredentials>();
        if (development.DetectorPassword is { } password)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
            var hash = SecretHash.Sha256Hex(password);
            var credential = await db.DetectorCredentials.FindAsync(DevelopmentCredentials.DetectorId);
            if (credential is null)
            {
                db.DetectorCredentials.Add(new DetectorCredentialRecord
                {
                    DetectorId = DevelopmentCredentials.DetectorId, SecretHash = hash, CreatedAt = TimeProvider.System.GetUtcNow(),
                });
            }
            else
            {
                credential.SecretHash = hash;
                credential.RevokedAt = null;
            }

            await db.SaveChangesAsync();
        }
    }
}
