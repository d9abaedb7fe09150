using Fleet.Agent.Tunnels;

namespace Fleet.Agent.Tests.Tunnels;

/// <summary>Lines as OpenSSH 9.2's client prints them (captured from Debian's ssh against Debian's sshd).</summary>
public sealed class ReverseSshOutputTests
{
    [Theory]
    [InlineData("debug1: remote forward success for: listen 42601, connect localhost:42500", nameof(SshLineKind.ForwardReady))]
    [InlineData("debug1: forwarding_success: all expected forwarding replies received", nameof(SshLineKind.None))]
    [InlineData("debug1: Connecting to 127.0.0.1 [127.0.0.1] port 42022.", nameof(SshLineKind.None))]
    [InlineData("Warning: Permanently added '[127.0.0.1]:42022' (ED25519) to the list of known hosts.", nameof(SshLineKind.None))]
    [InlineData("Authenticated to 127.0.0.1 ([127.0.0.1]:42022) using \"publickey\".", nameof(SshLineKind.None))]
    [InlineData("OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026", nameof(SshLineKind.None))]
    [InlineData("Error: remote port forwarding failed for listen port 42602", nameof(SshLineKind.Error))]
    [InlineData("kex_exchange_identification: read: Connection reset by peer", nameof(SshLineKind.Other))]
    public void Parse_KnownLines_AreClassified(string line, string kind) =>
        Assert.Equal(kind, ReverseSshOutput.Parse(line).Kind.ToString());

    [Theory]
    [InlineData("Error: remote port forwarding failed for listen port 42602", "the relay refused to listen on port 42602")]
    [InlineData("tunnel@relay.example.org: Permission denied (publickey).", "the relay refused the key")]
    [InlineData("Host key verification failed.", "host key is not the one in Agent:ReverseSsh:KnownHostsFile")]
    [InlineData("ssh: connect to host relay.example.org port 22: Connection refused", "cannot reach the relay relay.example.org port 22: Connection refused")]
    [InlineData("ssh: Could not resolve hostname relay.invalid: Name or service not known", "the relay's name relay.invalid does not resolve")]
    [InlineData("Timeout, server relay.example.org not responding.", "stopped answering keep-alives")]
    [InlineData("Connection to 127.0.0.1 closed by remote host.", "the relay closed the connection")]
    public void Parse_ErrorLines_AreExplainedInWords(string line, string expected) =>
        Assert.Contains(expected, ReverseSshOutput.Parse(line).Text, StringComparison.Ordinal);

    [Fact]
    public void Parse_UnknownLine_IsKeptCleanedAndCut()
    {
        var text = ReverseSshOutput.Parse("something new\u001b[31m " + new string('x', 1000)).Text!;

        Assert.StartsWith("something new[31m ", text, StringComparison.Ordinal);
        Assert.Equal(ReverseSshOutput.MaxText, text.Length);
        Assert.DoesNotContain('\u001b', text);
    }
}
