using Microsoft.Extensions.Options;

namespace Fleet.Api.Mqtt;

/// <summary>
/// Checks at start what the embedded broker's TLS port needs: a certificate that loads (Kestrel's default one), and a
/// port that no other listener of the broker takes. The message names the key and the fix, never the password.
/// </summary>
internal sealed class BrokerTransportsValidation(IServiceProvider services) : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        if (options.Mode != MqttMode.Embedded)
        {
            return ValidateOptionsResult.Success;
        }

        // Resolved here, not injected: BrokerTransports reads these very options.
        var transports = services.GetRequiredService<BrokerTransports>();
        BrokerCertificate? certificate;
        try
        {
            certificate = transports.Certificate;
        }
        catch (InvalidOperationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }

        if (options.Embedded.TlsPort is > 0 && certificate is null)
        {
            return ValidateOptionsResult.Fail(
                $"Mqtt:Embedded:TlsPort needs a certificate: set {BrokerCertificate.Section}:Path (with :KeyPath, or a .pfx with :Password), or set Mqtt:Embedded:TlsPort=0.");
        }

        if (options.Embedded.TlsPort is null or > 0 && certificate is not null
            && (options.Embedded.TlsPort ?? BrokerTransports.DefaultTlsPort) == options.Embedded.Port)
        {
            return ValidateOptionsResult.Fail("Mqtt:Embedded:TlsPort must differ from Mqtt:Embedded:Port.");
        }

        return ValidateOptionsResult.Success;
    }
}
