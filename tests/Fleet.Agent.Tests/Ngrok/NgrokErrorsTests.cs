using Fleet.Agent.Ngrok;

namespace Fleet.Agent.Tests.Ngrok;

public sealed class NgrokErrorsTests
{
    [Theory]
    [InlineData("ERR_NGROK_108", true)]
    [InlineData("ERR_NGROK_334", true)]
    [InlineData("ERR_NGROK_8013", false)]
    [InlineData("ERR_NGROK_105", false)]
    [InlineData("ERR_NGROK_107", false)]
    [InlineData("ERR_NGROK_4018", false)]
    [InlineData("err_ngrok_108", true)]
    [InlineData("108", true)]
    public void Find_KnownCode_SaysWhetherRestartingCanHelp(string code, bool restartMayHelp)
    {
        NgrokErrorInfo? info = NgrokErrors.Find(code);

        Assert.NotNull(info);
        Assert.Equal(restartMayHelp, info.RestartMayHelp);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ERR_NGROK_999999")]
    [InlineData("something else")]
    public void Find_UnknownCode_IsNull(string? code)
    {
        Assert.Null(NgrokErrors.Find(code));
    }

    [Fact]
    public void All_Entries_AreWellFormedAndShort()
    {
        Assert.All(NgrokErrors.All, e =>
        {
            Assert.Matches(@"^ERR_NGROK_\d+$", e.Code);
            Assert.InRange(e.Summary.Length, 10, 200);
        });
    }
}
