using Fleet.Api.Auth;

namespace Fleet.Api.Testing;

/// <summary>API keys for the test run, random per process like real ones.</summary>
public static class TestKeys
{
    public static string Reader { get; } = SecretHash.NewSecret();

    public static string Admin { get; } = SecretHash.NewSecret();
}
