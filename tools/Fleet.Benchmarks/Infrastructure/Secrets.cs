using System.Security.Cryptography;

namespace Fleet.Benchmarks.Infrastructure;

internal static class Secrets
{
    /// <summary>A throwaway password or key for this run only; never printed or written to the results.</summary>
    public static string New() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
}
