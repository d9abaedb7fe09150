namespace Fleet.Domain.Validation;

/// <summary>
/// The shape of an agent's incarnation id (<c>instance</c> in state and status messages): 1 to 64 characters of
/// <c>[A-Za-z0-9_-]</c>, so base64url or hex of random bytes; it is compared, stored and shown, never interpreted.
/// </summary>
public static class InstanceIds
{
    public const int MaxLength = 64;

    /// <summary>Null when <paramref name="instance"/> is absent or well formed, else why not.</summary>
    public static string? Validate(string? instance)
    {
        if (instance is null)
        {
            return null;
        }

        return instance.Length is 0 or > MaxLength || !instance.All(IsAllowed)
            ? $"instance must be 1 to {MaxLength} characters of A-Z, a-z, 0-9, '_' or '-'"
            : null;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
