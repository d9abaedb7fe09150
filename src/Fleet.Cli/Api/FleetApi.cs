using System.Net.Sockets;
using Fleet.Cli.Config;
using Fleet.Cli.Errors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Fleet.Cli.Api;

/// <summary>
/// The generated client (Kiota, from docs/openapi.json) bound to the stored endpoint and key, and the one place that turns
/// HTTP failures into the CLI's one-line errors and exit codes.
/// </summary>
internal sealed class FleetApi : IDisposable
{
    private readonly HttpClient http;

    private FleetApi(CliSettings settings, TimeSpan timeout)
    {
        Endpoint = settings.Endpoint;
        http = KiotaClientFactory.Create();
        http.Timeout = timeout;
        var adapter = new HttpClientRequestAdapter(new ApiKeyHeader(settings.ApiKey, settings.Endpoint), httpClient: http)
        {
            BaseUrl = settings.Endpoint.ToString().TrimEnd('/'),
        };
        Client = new FleetApiClient(adapter);
    }

    public FleetApiClient Client { get; }

    public Uri Endpoint { get; }

    /// <summary>A client for ordinary requests (30 s each), or with <paramref name="streaming"/> for <c>/events</c> (no limit).</summary>
    public static async Task<FleetApi> ConnectAsync(ConfigStore store, CancellationToken ct, bool streaming = false) =>
        new(await store.LoadAsync(ct), streaming ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(30));

    public static FleetApi For(CliSettings settings) => new(settings, TimeSpan.FromSeconds(30));

    /// <summary>Runs one API call; what went wrong becomes a <see cref="CliException"/> naming the detector where it matters.</summary>
    public async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct, string? detectorId = null)
    {
        try
        {
            return await call(ct);
        }
        catch (ApiException ex) when (ex.ResponseStatusCode is 401)
        {
            throw new CliException(ExitCodes.Unauthorized, $"{Endpoint} refused the API key (401): run 'fleet login' with a valid key");
        }
        catch (ApiException ex) when (ex.ResponseStatusCode is 403)
        {
            throw new CliException(ExitCodes.Unauthorized, $"{Endpoint} answered 403: the key's role may not do this");
        }
        catch (ApiException ex) when (ex.ResponseStatusCode is 404 && detectorId is not null)
        {
            throw new CliException(ExitCodes.NotFound, $"unknown detector '{detectorId}'");
        }
        catch (ApiException ex)
        {
            throw new CliException(ExitCodes.Failure, $"{Endpoint} answered {ex.ResponseStatusCode}: {Problem(ex)}");
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new CliException(ExitCodes.Unreachable, $"cannot reach the API at {Endpoint}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"the API at {Endpoint} did not answer within {http.Timeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => http.Dispose();

    /// <summary>A problem-details answer in words: its title and detail, and for a validation problem the fields' errors.</summary>
    private static string Problem(ApiException ex) => ex switch
    {
        Models.HttpValidationProblemDetails v => string.Join("; ", new[] { v.Title, v.Detail }
            .Concat((v.Errors?.AdditionalData ?? new Dictionary<string, object>()).Select(e => $"{e.Key}: {Words(e.Value)}"))
            .Where(t => !string.IsNullOrEmpty(t))),
        Models.ProblemDetails p => string.Join(": ", new[] { p.Title, p.Detail }.Where(t => !string.IsNullOrEmpty(t))),
        _ => ex.Message,
    };

    private static string Words(object value) => value is UntypedArray array
        ? string.Join(", ", array.GetValue().OfType<UntypedString>().Select(s => s.GetValue()))
        : value.ToString() ?? string.Empty;
}
