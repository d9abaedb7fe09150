using System.Net.Http.Json;

namespace Fleet.Api.Testing.Dashboard;

/// <summary>Signs in through <c>POST /auth/session</c> and hands back the cookie, so tests send it explicitly.</summary>
public static class SessionCookies
{
    public const string Name = "fleet.session";

    public static async Task<(HttpResponseMessage Response, string? Cookie)> SignInAsync(HttpClient http, string key)
    {
        var response = await http.PostAsJsonAsync("/auth/session", new { key });
        return (response, SetCookie(response));
    }

    /// <summary>The raw Set-Cookie header of the session cookie, if the response set one.</summary>
    public static string? SetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.StartsWith(Name + "=", StringComparison.Ordinal))
            : null;

    /// <summary>The <c>name=value</c> part, as a browser sends it back in a Cookie header.</summary>
    public static string Pair(string setCookie) => setCookie.Split(';')[0];

    public static HttpRequestMessage Request(HttpMethod method, string path, string cookie)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", Pair(cookie));
        return request;
    }
}
