using System.Net;
using Fleet.Api.Limits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Tests.Security;

/// <summary>Wrong keys are counted per client address and per presented key, separately.</summary>
public sealed class FailedAuthenticationsTests
{
    private static FailedAuthentications Counter(int perAddress, int perKey) =>
        new(Options.Create(new LimitsOptions { FailedAuthPerMinute = perAddress, FailedAuthPerPresentedKeyPerMinute = perKey }));

    private static DefaultHttpContext From(string address) => new() { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };

    [Fact]
    public void OneWrongKey_FromManyAddresses_IsBlockedByItsOwnCount_OtherKeysAndAddressesAreNot()
    {
        using var failures = Counter(perAddress: 100, perKey: 3);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(failures.TryRecord(From($"198.51.100.{i + 1}"), "the-same-wrong-key", out _));
        }

        Assert.False(failures.TryRecord(From("198.51.100.50"), "the-same-wrong-key", out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        Assert.True(failures.TryRecord(From("198.51.100.50"), "another-wrong-key", out _));
    }

    [Fact]
    public void ManyWrongKeys_FromOneAddress_AreBlockedByTheAddressCount_OtherAddressesAreNot()
    {
        using var failures = Counter(perAddress: 3, perKey: 100);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(failures.TryRecord(From("203.0.113.7"), "wrong-" + i, out _));
        }

        Assert.False(failures.TryRecord(From("203.0.113.7"), "wrong-new", out _));
        Assert.True(failures.TryRecord(From("203.0.113.8"), "wrong-new", out _));
    }
}
