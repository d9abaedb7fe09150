using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Links;
using Fleet.Api.Mqtt;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Startup;

public static partial class StartupChecks
{
    /// <summary>Refuses to run with invalid options, unusable or no keys outside Development, or a listener that leaks; applies migrations, and seeds the development detector.</summary>
    public static async Task PrepareFleetAsync(this WebApplication app)
    {
        // Options with ValidateOnStart are checked here, before the host starts, so a wrong value ends the start through
        // StartupFailure as one line instead of the host's "Hosting failed to start" with a stack trace.
        app.Services.GetService<IStartupValidator>()?.Validate();
        ApiKeyRules.Check(app.Services.GetRequiredService<IOptions<AuthOptions>>().Value);
        if (!app.Environment.IsDevelopment() && app.Services.GetRequiredService<ApiKeyStore>().Count == 0)
        {
            throw new ConfigurationProblemException(
                "Auth:ApiKeys",
                $"No API keys are configured for the {app.Environment.EnvironmentName} environment",
                "Set Auth:ApiKeys:0:Name, Auth:ApiKeys:0:Role (reader or admin) and Auth:ApiKeys:0:Sha256 (or :Key from a secret store).");
        }

        var mqtt = app.Services.GetRequiredService<IOptions<MqttOptions>>().Value;
        TransportSecurityRule.Check(TransportSecurityRule.Listeners(app.Configuration, mqtt), app.Configuration, app.Environment);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Fleet.Api.Startup");
        foreach (var (path, before) in app.Services.GetService<OwnerOnlyFiles>()?.Tightened ?? [])
        {
            LogTightened(logger, path, Convert.ToString((int)before, 8));
        }

        app.WarnWhenUnrestricted();
        await app.MigrateFleetDatabaseAsync();
        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
        {
            // With migrations the database is known to be reachable and to have the table.
            await using var scope = app.Services.CreateAsyncScope();
            await KeyRingStartup.DeleteUnencryptedKeysAsync(scope.ServiceProvider.GetRequiredService<FleetDbContext>(), logger, CancellationToken.None);
        }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} was readable by other users (mode {Mode}); it is now readable by the API's user only")]
    private static partial void LogTightened(ILogger logger, string path, string mode);
}
