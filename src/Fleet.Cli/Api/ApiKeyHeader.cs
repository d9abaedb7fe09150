using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Fleet.Cli.Api;

/// <summary>Sends the operator's key as <c>X-Api-Key</c> on every request, and only to the configured API's host.</summary>
internal sealed class ApiKeyHeader(string apiKey, Uri endpoint) : IAuthenticationProvider
{
    public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        if (string.Equals(request.URI.Host, endpoint.Host, StringComparison.OrdinalIgnoreCase) && request.URI.Port == endpoint.Port)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return Task.CompletedTask;
    }
}
