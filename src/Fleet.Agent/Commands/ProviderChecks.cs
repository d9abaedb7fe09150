using Fleet.Agent.Configuration;

namespace Fleet.Agent.Commands;

/// <summary>The provider-specific part of `check`.</summary>
internal static class ProviderChecks
{
    public static Task<bool> RunAsync(AgentOptions options, Func<string, string?, bool> report)
    {
        var ok = options.Provider switch
        {
            "reverse-ssh" => report($"ssh binary {options.ReverseSsh.Binary}", FindBinary(options.ReverseSsh.Binary))
                && (options.ReverseSsh.IdentityFile is null || report($"identity file {options.ReverseSsh.IdentityFile}",
                    File.Exists(options.ReverseSsh.IdentityFile) ? null : "does not exist")),
            "static" => report("static tunnels", null),
            _ => true,
        };
        return Task.FromResult(ok);
    }

    internal static string? FindBinary(string binary)
    {
        if (binary.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(binary) ? null : "does not exist";
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(':').Any(dir => File.Exists(Path.Combine(dir, binary))) ? null : "not found on PATH";
    }
}
