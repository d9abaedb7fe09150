namespace Fleet.Api.Auth;

/// <summary>
/// How the data-protection key ring (which encrypts session cookies) is encrypted at rest (section <c>DataProtection</c>).
/// Without a setting the API generates a certificate in its data folder, apart from the database.
/// </summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary>
    /// A PKCS#12 (.pfx) file with an RSA certificate and its private key. Every API instance that shares a database
    /// needs the same one. Default: <c>data/key-ring-encryption.pfx</c> under the content root, generated on first start.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The .pfx file's password, if it has one (give it from a secret store or the environment).</summary>
    public string? CertificatePassword { get; set; }
}
