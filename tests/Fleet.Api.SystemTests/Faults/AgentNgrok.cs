using System.Text.Json;
using Fleet.Api.SystemTests.EndToEnd;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>An agent process with its stand-in ngrok's control file and the authtoken that must never leak.</summary>
internal sealed record AgentNgrok(DetectorSetup Detector, AgentProcess Agent, string ControlFile, string Authtoken)
{
    /// <summary>The URLs of every `started tunnel` record in the agent's ngrok log, oldest first.</summary>
    public static IReadOnlyList<string> StartedUrls(DetectorSetup detector)
    {
        List<string> urls = [];
        foreach (var file in Directory.EnumerateFiles(detector.LogDirectory, "ngrok.log*").Order())
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Contains("started tunnel", StringComparison.Ordinal)))
            {
                var start = line.IndexOf("\"url\":\"", StringComparison.Ordinal);
                if (start >= 0)
                {
                    start += 7;
                    urls.Add(line[start..line.IndexOf('"', start)]);
                }
            }
        }

        return urls;
    }

    /// <summary>Written to a temporary file and renamed, so the stand-in never reads half a file.</summary>
    public async Task ControlAsync(object control)
    {
        var temporary = ControlFile + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(control));
        File.Move(temporary, ControlFile, overwrite: true);
    }
}
