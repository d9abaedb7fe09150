namespace Fleet.Domain.Tests.Validation;

/// <summary>Tunnel URLs the contract forbids; shared by the URL rule tests and the state parser tests.</summary>
public static class BadUrls
{
    public static TheoryData<string> All { get; } = new()
    {
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:",
        "file:///etc/passwd",
        "/etc/passwd",
        "ftp://files.example.org/",
        "ws://relay.example.org/",
        "https://user:pass@host.example.org",
        "https://user@host.example.org",
        "https://@host.example.org/",
        "https://ngrok-free.app@evil.example.org/",
        "http://127.0.0.1",
        "http://127.1.2.3:8080/",
        "http://localhost:8080",
        "http://LOCALHOST/",
        "http://api.localhost/",
        "http://localhost./",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:169.254.1.1]/",
        "http://[::ffff:0.0.0.0]/",
        "http://[fe80::1]/",
        "http://[::]/",
        "http://169.254.169.254/latest",
        "http://169.254.1.1/",
        "http://100.100.100.200/latest/meta-data",
        "http://[fd00:ec2::254]/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://0.0.0.0",
        "http://0.0.0.0:80/",
        "http://2130706433/",
        "http://0x7f000001/",
        "https://host.example.org/a\u0001b",
        "https://host.example.org/\u007f",
        "https://host.example.org/a b",
        " https://host.example.org/",
        "https://host.example.org/\n",
        "https://host.example.org/\u00a0",
        "https://" + new string('a', 3000) + ".example.org/",
        "https://host.example.org/" + new string('a', 3000),
        "tcp://host.example.org",
        "tcp://0.tcp.eu.ngrok.io",
        "ssh://relay.example.org",
        "https://",
        "not a url",
        "",
    };

    public static TheoryData<string> Good { get; } = new()
    {
        "https://ab12cd34.ngrok-free.app",
        "https://ab12cd34.ngrok-free.app/path?q=1#frag",
        "tcp://0.tcp.eu.ngrok.io:12345",
        "ssh://relay.example.org:2222",
        "http://203.0.113.5:8080",
        "http://[2001:db8::1]:8080/",
        "https://" + new string('a', 60) + ".example.org/" + new string('b', 1900),
    };
}
