using Fleet.Agent.Ngrok;

namespace Fleet.Agent.Tests.Ngrok;

public sealed class NgrokLogLineTests
{
    private const string FakeToken = "FAKE-AUTHTOKEN-0000-do-not-use";

    [Fact]
    public void TryParse_JsonStartedTunnelWithStringAddr_ReadsNameUrlAndAddr()
    {
        Assert.True(NgrokLogLine.TryParse(Fixtures.Lines("log-started-tunnel-addr-string.json")[0], out NgrokLogEvent? ev));

        Assert.Equal(NgrokLogLevel.Info, ev.Level);
        Assert.True(ev.IsTunnelStarted);
        Assert.True(ev.ShouldRefreshApi);
        Assert.Equal("command_line", ev.Name);
        Assert.Equal("https://ab12-203-0-113-7.ngrok-free.app", ev.Url);
        Assert.Equal("http://localhost:4142", ev.Addr);
        Assert.Equal("tunnels", ev.Object);
        Assert.Null(ev.Error);
    }

    [Fact]
    public void TryParse_JsonStartedTunnelWithObjectAddr_NormalizesAddrToAString()
    {
        Assert.True(NgrokLogLine.TryParse(Fixtures.Lines("log-started-tunnel-addr-object.json")[0], out NgrokLogEvent? ev));

        Assert.True(ev.IsTunnelStarted);
        Assert.Equal("http://127.0.0.1:9700", ev.Addr);
        Assert.Equal("https://94b1-82-67-199-224.ngrok-free.app", ev.Url);
    }

    [Fact]
    public void TryParse_LogfmtReconnectSequence_FlagsEachStep()
    {
        NgrokLogEvent[] events = [.. Fixtures.Lines("log-reconnect-logfmt.log").Select(Parse)];

        Assert.True(events[0].IsWebServiceStarted);
        Assert.Equal("127.0.0.1:4040", events[0].Addr);
        Assert.True(events[1].IsReconnecting);
        Assert.Equal(NgrokLogLevel.Error, events[1].Level);
        Assert.Equal("read tcp 192.168.0.173:48720->3.15.55.144:443: i/o timeout", events[1].Error);
        Assert.True(events[2].IsSessionEstablished);
        Assert.True(events[3].IsSessionEstablished);
        Assert.True(events[4].IsTunnelStarted);
        Assert.Equal("verdict (http)", events[4].Name);
        Assert.Equal("http://verdict.ngrok.io", events[4].Url);
        Assert.True(events[5].IsTunnelStarted);
        Assert.Equal("verdict", events[5].Name);
        Assert.Equal("https://verdict.ngrok.io", events[5].Url);
        Assert.All(events, e => Assert.True(e.ShouldRefreshApi));
    }

    [Theory]
    [InlineData(0, null, true, false)]
    [InlineData(1, "ERR_NGROK_334", false, false)]
    [InlineData(2, "ERR_NGROK_105", false, false)]
    [InlineData(3, "ERR_NGROK_334", false, true)]
    [InlineData(5, "ERR_NGROK_4018", false, false)]
    public void TryParse_ErrorRecords_ExtractCodeAndState(int line, string? code, bool sessionLost, bool fatal)
    {
        NgrokLogEvent ev = Parse(Fixtures.Lines("log-errors.log")[line]);

        Assert.Equal(code, ev.ErrorCode);
        Assert.Equal(sessionLost, ev.IsSessionLost);
        Assert.Equal(fatal, ev.IsFatal);
        Assert.True(ev.Level >= NgrokLogLevel.Error);
    }

    [Fact]
    public void TryParse_CommandFailedJson_FlattensErrorToOneLine()
    {
        NgrokLogEvent ev = Parse(Fixtures.Lines("log-errors.log")[3]);

        Assert.Equal(NgrokLogLevel.Critical, ev.Level);
        Assert.Equal("command failed", ev.Message);
        Assert.Equal("failed to start tunnel: The endpoint \"https://truth-thriving-commodore.ngrok-free.dev\" is already online. ERR_NGROK_334", ev.Error);
    }

    [Fact]
    public void TryParse_Err105EchoesTheAuthtoken_TokenIsRedacted()
    {
        NgrokLogEvent ev = Parse(Fixtures.Lines("log-errors.log")[2]);

        Assert.DoesNotContain(FakeToken, ev.ToString(), StringComparison.Ordinal);
        Assert.Contains("Your authtoken: [redacted]", ev.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"lvl":"dbug","msg":"ngrok start --authtoken=FAKE-AUTHTOKEN-0000-do-not-use","err":"\"authtoken\": \"FAKE-AUTHTOKEN-0000-do-not-use\""}""")]
    [InlineData("""lvl=dbug msg="args authtoken=FAKE-AUTHTOKEN-0000-do-not-use" err="api_key: FAKE-AUTHTOKEN-0000-do-not-use" """)]
    public void TryParse_TokenInMessageOrError_IsRedacted(string line)
    {
        Assert.DoesNotContain(FakeToken, Parse(line).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_GoNilError_IsNull()
    {
        NgrokLogEvent ev = Parse(Fixtures.Lines("log-errors.log")[4]);

        Assert.Null(ev.Error);
        Assert.Null(ev.ErrorCode);
        Assert.False(ev.ShouldRefreshApi);
    }

    [Theory]
    [InlineData("dbug", nameof(NgrokLogLevel.Debug))]
    [InlineData("info", nameof(NgrokLogLevel.Info))]
    [InlineData("warn", nameof(NgrokLogLevel.Warn))]
    [InlineData("eror", nameof(NgrokLogLevel.Error))]
    [InlineData("crit", nameof(NgrokLogLevel.Critical))]
    [InlineData("loud", nameof(NgrokLogLevel.Unknown))]
    public void TryParse_LevelSpellings_AreNormalized(string level, string expected)
    {
        Assert.Equal(expected, Parse($$"""{"lvl":"{{level}}","msg":"m"}""").Level.ToString());
        Assert.Equal(expected, Parse($"lvl={level} msg=m").Level.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Session Status                online")]
    [InlineData("INFO[04-08|11:05:07] no configuration paths supplied")]
    [InlineData("{\"lvl\":\"info\",\"msg\":\"started tun")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"foo\":1}")]
    public void TryParse_NotAnNgrokRecord_ReturnsFalse(string line)
    {
        Assert.False(NgrokLogLine.TryParse(line, out NgrokLogEvent? ev));
        Assert.Null(ev);
    }

    [Fact]
    public void TryParse_OversizedLine_ReturnsFalse()
    {
        string line = $$"""{"lvl":"info","msg":"{{new string('x', NgrokLogLine.MaxLineLength)}}"}""";

        Assert.False(NgrokLogLine.TryParse(line, out _));
    }

    [Fact]
    public void TryParse_SessionClosedJson_IsSessionLostAndReconnecting()
    {
        NgrokLogEvent ev = Parse("""{"lvl":"eror","msg":"session closed, starting reconnect loop","obj":"csess","err":"read EOF from remote peer"}""");

        Assert.True(ev.IsSessionLost);
        Assert.True(ev.IsReconnecting);
        Assert.Equal("read EOF from remote peer", ev.Error);
    }

    private static NgrokLogEvent Parse(string line)
    {
        Assert.True(NgrokLogLine.TryParse(line, out NgrokLogEvent? ev), "not parsed: " + line);
        return ev;
    }
}
