using Fleet.Domain.Identity;

namespace Fleet.Domain.Tests.Identity;

public sealed class DetectorIdTests
{
    public static TheoryData<string> ValidIds { get; } = new()
    {
        "pi-042",
        "a",
        "0",
        "9abc",
        "a-",
        "a--b",
        "a" + new string('b', 62),
    };

    public static TheoryData<string?> InvalidIds { get; } = new()
    {
        null,
        "",
        "PI-042",
        "Pi-042",
        "-pi",
        "-",
        "a" + new string('b', 63),
        "pi/1",
        "pi+1",
        "pi#1",
        "+",
        "#",
        "pi 1",
        " pi",
        "pi_1",
        "pi.1",
        "pi:1",
        "pï-1",
        "пи-1",
        "pi-1\n",
        "pi-1\r\n",
        "\npi-1",
        "pi\0",
        "$share",
    };

    [Theory]
    [MemberData(nameof(ValidIds))]
    public void IsValid_DnsLabel_ReturnsTrue(string id)
    {
        Assert.True(DetectorId.IsValid(id));
        Assert.Null(DetectorId.Validate(id));
    }

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public void IsValid_NotADnsLabel_ReturnsFalse(string? id)
    {
        Assert.False(DetectorId.IsValid(id));
        Assert.NotNull(DetectorId.Validate(id));
    }

    [Fact]
    public void MaxLength_MatchesPattern_Is63()
    {
        Assert.Equal(63, DetectorId.MaxLength);
        Assert.True(DetectorId.IsValid(new string('a', DetectorId.MaxLength)));
        Assert.False(DetectorId.IsValid(new string('a', DetectorId.MaxLength + 1)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_Missing_SaysRequired(string? id) =>
        Assert.Contains("required", DetectorId.Validate(id), StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void Validate_Invalid_NamesTheRuleAndTheValue()
    {
        var message = DetectorId.Validate("Pi_1");

        Assert.NotNull(message);
        Assert.Contains("'Pi_1'", message, StringComparison.Ordinal);
        Assert.Contains(DetectorId.Pattern, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ControlCharactersAndLongValues_AreNotEchoedRaw()
    {
        var message = DetectorId.Validate("bad\u001b[31m" + new string('x', 500));

        Assert.NotNull(message);
        Assert.DoesNotContain('\u001b', message);
        Assert.DoesNotContain(new string('x', 100), message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api")]
    [InlineData("api-1")]
    [InlineData("apiserver")]
    [InlineData("monitor")]
    [InlineData("monitor-grafana")]
    [InlineData("admin")]
    [InlineData("admin2")]
    public void IsReserved_BrokerIdentityPrefix_ReturnsTrue(string id) =>
        Assert.True(DetectorId.IsReserved(id));

    [Theory]
    [InlineData("pi-042")]
    [InlineData("pi-api")]
    [InlineData("my-admin")]
    [InlineData("ap")]
    [InlineData("a-pi")]
    [InlineData("mon")]
    public void IsReserved_OrdinaryId_ReturnsFalse(string id) =>
        Assert.False(DetectorId.IsReserved(id));
}
