using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Mqtt;

/// <summary>
/// Checks <c>Mqtt:Embedded</c> at start (its attributes, which the section's own validation does not reach, and the rules
/// between keys), so a wrong limit stops the start with a message that names the key.
/// </summary>
internal sealed class EmbeddedBrokerOptionsValidation : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        if (options.Mode != MqttMode.Embedded)
        {
            return ValidateOptionsResult.Success;
        }

        var embedded = options.Embedded;
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(embedded, new ValidationContext(embedded), errors, validateAllProperties: true);
        var messages = errors.Select(e => e.ErrorMessage ?? "Mqtt:Embedded is invalid.").ToList();
        if (embedded.MaxUnauthenticatedPacketSize > embedded.MaxPacketSize)
        {
            messages.Add("Mqtt:Embedded:MaxUnauthenticatedPacketSize must not be larger than Mqtt:Embedded:MaxPacketSize.");
        }

        if (!IPAddress.TryParse(embedded.BindAddress, out _))
        {
            messages.Add("Mqtt:Embedded:BindAddress must be an IP address, such as 0.0.0.0 or 127.0.0.1.");
        }

        return messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(messages);
    }
}
