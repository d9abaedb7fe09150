using Microsoft.Extensions.Options;

namespace Fleet.Api.Monitoring.HomeAssistant;

/// <summary>What data annotations cannot say: <see cref="HomeAssistantOptions.DetectorUrl"/> is an absolute http(s) URL with <c>{id}</c>.</summary>
internal sealed class HomeAssistantOptionsValidation : IValidateOptions<HomeAssistantOptions>
{
    public const string IdPlaceholder = "{id}";

    public ValidateOptionsResult Validate(string? name, HomeAssistantOptions options)
    {
        if (string.IsNullOrEmpty(options.DetectorUrl))
        {
            return ValidateOptionsResult.Success;
        }

        // Home Assistant accepts only http(s) (or homeassistant://) configuration URLs and drops the whole config otherwise.
        var sample = options.DetectorUrl.Replace(IdPlaceholder, "pi-042", StringComparison.Ordinal);
        var valid = options.DetectorUrl.Contains(IdPlaceholder, StringComparison.Ordinal)
            && Uri.TryCreate(sample, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
        return valid
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                "Monitoring:HomeAssistant:DetectorUrl must be an absolute http(s) URL containing {id}, such as https://fleet.example.com/?detector={id}, or empty.");
    }
}
