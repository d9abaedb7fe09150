using Microsoft.AspNetCore.Mvc.Testing;

namespace Fleet.Api.Tests.Security;

/// <summary>An API of its own (database, embedded broker) with the given settings, for tests that use up its limits.</summary>
internal static class SecurityApi
{
    public static async Task<FleetApiFactory> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var api = await CreateAsync(extra);
        _ = api.Server;
        return api;
    }

    /// <summary>Not started yet, so a test can add configuration or logging through <c>WithWebHostBuilder</c>.</summary>
    public static async Task<FleetApiFactory> CreateAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var connectionString = await MigratedDatabase.CreateAsync("security");
        return new FleetApiFactory(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded())
        {
            Extra = extra ?? new Dictionary<string, string?>(),
        });
    }

    public static HttpClient Client(WebApplicationFactory<Program> api, string? key = null)
    {
        var client = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }
}
