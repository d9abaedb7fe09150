using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

using Fleet.Benchmarks.Infrastructure;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// The alert benchmark's configuration, done as an operator would, over the admin REST API: the storm fleet's site
/// tags (PATCH /detectors/{id}), one webhook destination at the in-process receiver and one rule; what an earlier run
/// left (rules and destinations named bench-storm-*) is removed first, so only this run's rule fires.
/// </summary>
internal sealed class AlertStormSetup(HttpClient admin)
{
    public const string NamePrefix = "bench-storm-";

    private static readonly string[] Lost = ["lost"];

    public static string Site(int index, int sites) => $"site-{(index % sites).ToString("00", CultureInfo.InvariantCulture)}";

    /// <summary>Tags detector k of <paramref name="ids"/> with site-(k mod sites), unless every site already has its share.</summary>
    public async Task<bool> EnsureSitesAsync(IReadOnlyList<string> ids, int sites)
    {
        var tagged = true;
        for (var site = 0; site < sites && tagged; site++)
        {
            var expected = Enumerable.Range(0, ids.Count).Count(i => i % sites == site);
            tagged = await CountAsync($"tag={Site(site, sites)}") == expected;
        }

        if (tagged)
        {
            return false;
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var content = JsonContent.Create(new { tags = new[] { Site(i, sites) } });
            using var response = await admin.PatchAsync($"/detectors/{ids[i]}", content, ct);
            response.EnsureSuccessStatusCode();
        });
        return true;
    }

    /// <summary>Removes the rules and destinations an earlier run of this scenario created.</summary>
    public async Task RemoveEarlierAsync()
    {
        foreach (var id in await IdsNamedAsync("/alerts/rules"))
        {
            (await admin.DeleteAsync($"/alerts/rules/{id}")).Dispose();
        }

        foreach (var id in await IdsNamedAsync("/alerts/destinations"))
        {
            (await admin.DeleteAsync($"/alerts/destinations/{id}")).Dispose();
        }
    }

    /// <summary>The webhook destination at the receiver and the rule "lost for <paramref name="damping"/>, every detector, grouped by tag".</summary>
    public async Task<long> CreateRuleAsync(string receiverUrl, TimeSpan damping, TimeSpan groupWindow)
    {
        var suffix = DateTime.UtcNow.ToString("HHmmssfff", CultureInfo.InvariantCulture);
        var destination = await PostAsync("/alerts/destinations", new { type = "webhook", name = NamePrefix + suffix, url = receiverUrl });
        return await PostAsync("/alerts/rules", new
        {
            name = NamePrefix + suffix,
            kind = "detector",
            events = Lost,
            forSeconds = (int)damping.TotalSeconds,
            groupWindowSeconds = (int)groupWindow.TotalSeconds,
            groupBy = "tag",
            recovery = true,
            destinationIds = new[] { destination },
        });
    }

    public async Task DeleteRuleAsync(long id) => (await admin.DeleteAsync($"/alerts/rules/{id}")).Dispose();

    public async Task<double> CountAsync(string filter)
    {
        using var response = await admin.GetAsync($"/detectors?{filter}&limit=1");
        response.EnsureSuccessStatusCode();
        return response.Headers.TryGetValues("X-Total-Count", out var values)
            ? double.Parse(values.First(), CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("GET /detectors answered without X-Total-Count");
    }

    private async Task<long> PostAsync(string path, object body)
    {
        using var response = await admin.PostAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return document.RootElement.GetProperty("id").GetInt64();
    }

    private async Task<List<long>> IdsNamedAsync(string path)
    {
        using var document = JsonDocument.Parse(await admin.GetStringAsync(path));
        return [.. document.RootElement.EnumerateArray()
            .Where(e => e.GetProperty("name").GetString()?.StartsWith(NamePrefix, StringComparison.Ordinal) == true)
            .Select(e => e.GetProperty("id").GetInt64())];
    }

    /// <summary>An HTTP client for the API with the run's admin key.</summary>
    public static HttpClient AdminClient(ApiServer api, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(api.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
