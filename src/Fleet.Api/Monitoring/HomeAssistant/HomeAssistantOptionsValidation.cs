using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Monitoring.HomeAssistant;

/// <summary>Checks <see cref="HomeAssistantOptions"/> at start: one line per mistake, naming the key and what to write instead.</summary>
internal sealed partial class HomeAssistantOptionsValidation : IValidateOptions<HomeAssistantOptions>
{
    public const string IdPlaceholder = "{id}";

    public ValidateOptionsResult Validate(string? name, HomeAssistantOptions options)
    {
        var failures = new List<string>();
        if (options.Prefix is null || !PrefixRegex().IsMatch(options.Prefix))
        {
            failures.Add("Monitoring:HomeAssistant:Prefix must be MQTT topic levels of letters, digits, '_' and '-' separated by '/' (no wildcards, no leading or trailing '/'), such as homeassistant.");
        }

        if (!string.IsNullOrEmpty(options.DetectorUrl) && !IsDetectorUrl(options.DetectorUrl))
        {
            failures.Add("Monitoring:HomeAssistant:DetectorUrl must be an absolute http(s) URL containing {id}, such as https://fleet.example.com/?detector={id}, or empty.");
        }

        if (options.StartupRate is < 1 or > 100_000)
        {
            failures.Add("Monitoring:HomeAssistant:StartupRate must be between 1 and 100000 (config messages per second).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Home Assistant accepts only http(s) (or homeassistant://) configuration URLs and drops the whole config otherwise.
    private static bool IsDetectorUrl(string url) =>
        url.Contains(IdPlaceholder, StringComparison.Ordinal)
        && Uri.TryCreate(url.Replace(IdPlaceholder, "pi-042", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    [GeneratedRegex("^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")]
    private static partial Regex PrefixRegex();
}
