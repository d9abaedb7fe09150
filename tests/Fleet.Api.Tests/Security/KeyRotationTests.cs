using System.Net;
using Fleet.Api.Auth;
using Fleet.Api.Testing.Dashboard;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Fleet.Api.Tests.Security;

/// <summary>A key is rotated by changing configuration while the API runs: no restart, no moment without a valid key.</summary>
public sealed class KeyRotationTests
{
    [Fact]
    public async Task Rotation_AddNewKeyThenRemoveOld_TakesEffectWithoutRestart()
    {
        var oldKey = SecretHash.NewSecret();
        var newKey = SecretHash.NewSecret();
        var configuration = new ReloadableConfiguration();
        configuration.Replace(Keys(("ops-old", oldKey)));
        await using var factory = await SecurityApi.CreateAsync();
        await using var api = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) => c.Add(configuration)));
        using var withOld = SecurityApi.Client(api, oldKey);
        using var withNew = SecurityApi.Client(api, newKey);

        Assert.Equal(HttpStatusCode.OK, (await withOld.GetAsync("/detectors")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withNew.GetAsync("/detectors")).StatusCode);

        configuration.Replace(Keys(("ops-old", oldKey), ("ops-new", newKey)));
        Assert.Equal(HttpStatusCode.OK, (await withOld.GetAsync("/detectors")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await withNew.GetAsync("/detectors")).StatusCode);

        configuration.Replace(Keys(("ops-new", newKey)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await withOld.GetAsync("/detectors")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await withNew.GetAsync("/detectors")).StatusCode);

        // The factory's own keys (indexes 0 and 1) were never touched.
        Assert.Equal(HttpStatusCode.OK, (await SecurityApi.Client(api, TestKeys.Reader).GetAsync("/detectors")).StatusCode);
    }

    [Fact]
    public async Task Rotation_RemovingAKey_EndsItsSessions()
    {
        var key = SecretHash.NewSecret();
        var configuration = new ReloadableConfiguration();
        configuration.Replace(Keys(("ops-session", key)));
        await using var factory = await SecurityApi.CreateAsync();
        await using var api = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) => c.Add(configuration)));
        using var http = SecurityApi.Client(api);
        var (_, cookie) = await SessionCookies.SignInAsync(http, key);
        Assert.NotNull(cookie);
        using var before = await http.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie));

        configuration.Replace(new Dictionary<string, string?>());
        using var after = await http.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    /// <summary>Keys from index 2 on, after the two the test factory configures; one given as a hash, one in clear.</summary>
    private static Dictionary<string, string?> Keys(params (string Name, string Key)[] keys)
    {
        var values = new Dictionary<string, string?>();
        for (var i = 0; i < keys.Length; i++)
        {
            var prefix = $"Auth:ApiKeys:{i + 2}:";
            values[prefix + "Name"] = keys[i].Name;
            values[prefix + "Role"] = Roles.Reader;
            values[prefix + (i % 2 == 0 ? "Sha256" : "Key")] = i % 2 == 0 ? SecretHash.Sha256Hex(keys[i].Key) : keys[i].Key;
        }

        return values;
    }
}
