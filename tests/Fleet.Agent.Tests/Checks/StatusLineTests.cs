using Fleet.Agent.Commands;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Tests.Checks;

public sealed class StatusLineTests
{
    [Fact]
    public void Describe_FailedCheck_SaysOutcomeCodeStatusAndWhen()
    {
        var check = new TunnelCheck
        {
            Outcome = CheckOutcomes.UpstreamDown,
            Code = "ERR_NGROK_8012",
            HttpStatus = 502,
            LatencyMs = 84,
            CheckedAt = new DateTimeOffset(2026, 11, 28, 9, 59, 58, TimeSpan.Zero),
        };

        Assert.Equal("upstream-down (ERR_NGROK_8012, HTTP 502) in 84 ms at 2026-11-28 09:59:58Z", StatusCommand.Describe(check));
    }

    [Fact]
    public void Describe_TcpCheck_HasNoDetails() =>
        Assert.Equal("ok in 3 ms at 2026-11-28 09:59:58Z", StatusCommand.Describe(new TunnelCheck
        {
            Outcome = CheckOutcomes.Ok,
            LatencyMs = 3,
            CheckedAt = new DateTimeOffset(2026, 11, 28, 9, 59, 58, TimeSpan.Zero),
        }));
}
