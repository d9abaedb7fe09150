using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// Encrypts destination secrets at rest with the API's data-protection key ring (Auth/KeyRing*: shared by every
/// instance, its keys encrypted with the key-ring certificate), and makes webhook signing secrets.
/// </summary>
internal sealed class DestinationSecrets(IDataProtectionProvider provider)
{
    /// <summary>Standard Webhooks' prefix for a base64 signing secret.</summary>
    public const string WebhookSecretPrefix = "whsec_";

    // The purpose string isolates these from the session cookies' keys' other uses; changing it orphans stored secrets.
    private readonly IDataProtector _protector = provider.CreateProtector("Fleet.Alerts.Destinations.v1");

    /// <summary>A new Standard Webhooks signing secret: <c>whsec_</c> + base64 of 32 random bytes (the convention asks for 24 to 64).</summary>
    public static string NewWebhookSecret() => WebhookSecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string? Protect(string? plain) => plain is null ? null : _protector.Protect(plain);

    public string? Unprotect(string? protectedText) => protectedText is null ? null : _protector.Unprotect(protectedText);
}
