using Fleet.Agent.Logging;

namespace Fleet.Agent.Tests.Logging;

public sealed class SecretRedactorTests
{
    [Fact]
    public void Redact_EveryOccurrenceOfEverySecret_IsMasked()
    {
        string redacted = SecretRedactor.Redact("authtoken=tok123 password=pw tok123 again", ["tok123", "pw"]);

        Assert.Equal("authtoken=*** password=*** *** again", redacted);
    }

    [Fact]
    public void Redact_SecretContainingAnother_IsMaskedWhole()
    {
        string redacted = SecretRedactor.Redact("x abcdef y abc z", ["abc", "abcdef"]);

        Assert.Equal("x *** y *** z", redacted);
    }

    [Fact]
    public void Redact_MaskNextToText_IsNotMatchedAgain()
    {
        // A replace-one-secret-after-another approach would turn "ax" into "***x" and then match "**x".
        string redacted = SecretRedactor.Redact("ax", ["a", "**x"]);

        Assert.Equal("***x", redacted);
    }

    [Fact]
    public void Redact_EmptySecrets_AreIgnored()
    {
        Assert.Equal("nothing secret", SecretRedactor.Redact("nothing secret", ["", null!]));
    }

    [Fact]
    public void Redact_NoSecretPresent_ReturnsTheSameText()
    {
        string text = "started tunnel url=https://example.ngrok-free.app";

        Assert.Same(text, SecretRedactor.Redact(text, ["tok123"]));
    }
}
