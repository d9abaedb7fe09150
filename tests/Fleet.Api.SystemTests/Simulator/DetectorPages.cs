using System.Net.Http.Json;
using Fleet.Domain.Messages;

namespace Fleet.Api.SystemTests.Simulator;

/// <summary>Every detector the API lists, page by page through the <c>Link: rel="next"</c> header.</summary>
internal static class DetectorPages
{
    public static async Task<List<DetectorView>> AllAsync(HttpClient reader)
    {
        var all = new List<DetectorView>();
        string? next = "/detectors?limit=1000";
        while (next is not null)
        {
            using var response = await reader.GetAsync(next);
            response.EnsureSuccessStatusCode();
            all.AddRange(await response.Content.ReadFromJsonAsync<List<DetectorView>>() ?? []);
            next = response.Headers.TryGetValues("Link", out var links) ? NextOf(links.First()) : null;
        }

        return all;
    }

    private static string? NextOf(string link)
    {
        var start = link.IndexOf('<', StringComparison.Ordinal);
        var end = link.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start && link.Contains("rel=\"next\"", StringComparison.Ordinal) ? link[(start + 1)..end] : null;
    }
}
