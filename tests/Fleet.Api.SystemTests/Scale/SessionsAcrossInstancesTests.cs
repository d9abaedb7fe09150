using System.Net;
using Fleet.Api.Testing.Dashboard;
using Fleet.Api.SystemTests.Faults.Support;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Scale;

/// <summary>
/// Browser sessions with several API instances behind one address: a cookie one instance issued is read by another,
/// and by the same instance after a restart. Each instance is its own process with its own, fresh home directory, as
/// on separate machines or containers; only the database and the key-ring certificate (DataProtection:CertificatePath)
/// are shared. Sign-out on one instance ends the session on the other.
/// </summary>
[Trait("Suite", "Long")]
public sealed class SessionsAcrossInstancesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SessionCookie_FromOneInstance_IsAcceptedByAnother_AndAfterARestart()
    {
        var database = await MigratedDatabase.CreateAsync("sessions");
        var shared = Directory.CreateTempSubdirectory("fleet-key-ring-");
        var extra = new Dictionary<string, string?> { ["DataProtection:CertificatePath"] = Security.KeyRingCertificates.WritePfx(shared.FullName) };
        await using var one = await ApiProcess.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = extra }, "api-1");
        await one.WaitReadyAsync();
        await using var two = await ApiProcess.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = extra }, "api-2");
        await two.WaitReadyAsync();
        using var toOne = Client(one);
        using var toTwo = Client(two);

        var (signIn, cookie) = await SessionCookies.SignInAsync(toOne, TestKeys.Reader);
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        Assert.NotNull(cookie);
        using var elsewhere = await toTwo.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie));
        await one.RestartAsync();
        await one.WaitReadyAsync();
        using var afterRestart = await toOne.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie));
        using var forged = await toTwo.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", SessionCookies.Pair(cookie)[..^8] + "AAAAAAAA"));
        output.WriteLine($"cookie from api-1: api-2 answers {(int)elsewhere.StatusCode}; api-1 after a restart with a new home " +
            $"{(int)afterRestart.StatusCode}; a tampered cookie {(int)forged.StatusCode}");

        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterRestart.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        // Sign-out on api-1 deletes the session: the same cookie replayed to api-2 is refused.
        using var signOut = await toOne.SendAsync(SessionCookies.Request(HttpMethod.Delete, "/auth/session", cookie));
        using var replayed = await toTwo.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie));
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        shared.Delete(recursive: true);
    }

    private static HttpClient Client(ApiProcess api) =>
        new(new HttpClientHandler { UseCookies = false }) { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
}
