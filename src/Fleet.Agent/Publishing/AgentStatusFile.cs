using System.Text.Json;
using Fleet.Agent.Configuration;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Publishing;

/// <summary>Keeps status.json in the state directory current; written atomically so a reader never sees half a file.</summary>
public sealed class AgentStatusFile(IOptions<AgentOptions> options)
{
    public string Path => System.IO.Path.Combine(options.Value.StateDirectory, "status.json");

    public void Write(AgentStatus status)
    {
        var directory = options.Value.StateDirectory;
        Directory.CreateDirectory(directory);
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(status, AgentJsonContext.Default.AgentStatus));
        File.Move(temporary, Path, overwrite: true);
    }

    public static AgentStatus? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), AgentJsonContext.Default.AgentStatus) : null;
}
