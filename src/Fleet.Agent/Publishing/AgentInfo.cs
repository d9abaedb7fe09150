using System.Reflection;
using System.Runtime.InteropServices;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Publishing;

/// <summary>What the agent says about itself and the Pi in every state message.</summary>
public static class AgentInfo
{
    /// <param name="startedAt">When this agent process started.</param>
    /// <param name="takeovers">Session takeovers in a row (0: none, then the field is left out).</param>
    public static AgentReport Describe(DateTimeOffset startedAt, int takeovers = 0) => new()
    {
        Version = Version,
        Hostname = Environment.MachineName,
        Os = OperatingSystemName(),
        Arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
        StartedAt = startedAt,
        Takeovers = takeovers > 0 ? takeovers : null,
    };

    public static string Version { get; } =
        typeof(AgentInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static string OperatingSystemName()
    {
        try
        {
            var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (line is not null)
            {
                return line["PRETTY_NAME=".Length..].Trim('"');
            }
        }
        catch (IOException)
        {
            // Not a Linux with os-release: fall back to the runtime's description.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }

        return RuntimeInformation.OSDescription;
    }
}
