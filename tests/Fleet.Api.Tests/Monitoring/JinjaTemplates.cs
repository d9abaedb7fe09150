using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fleet.Api.Tests.Monitoring;

/// <summary>
/// Renders Home Assistant value templates with Jinja2 (Debian's python3-jinja2, in a sandbox as Home Assistant does),
/// with <c>value</c> and <c>value_json</c> set from a real MQTT payload, the way the MQTT integration renders them.
/// </summary>
internal static class JinjaTemplates
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string Script = """
        import json, sys
        try:
            from jinja2.sandbox import ImmutableSandboxedEnvironment
        except ImportError:
            print("MISSING python3-jinja2", file=sys.stderr)
            sys.exit(3)
        env = ImmutableSandboxedEnvironment()
        out = []
        for item in json.load(sys.stdin):
            payload = item["payload"]
            out.append(env.from_string(item["template"]).render(value=payload, value_json=json.loads(payload)).strip())
        json.dump(out, sys.stdout)
        """;

    /// <summary>Each template rendered over its payload, in order; throws with Python's message when one fails.</summary>
    public static async Task<IReadOnlyList<string>> RenderAsync(IReadOnlyList<(string Template, string Payload)> items, CancellationToken ct)
    {
        var input = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject { ["template"] = i.Template, ["payload"] = i.Payload })]);
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{Python} did not start: the Home Assistant tests need Debian's python3 and python3-jinja2");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Timeout);
        await process.StandardInput.WriteAsync(input.ToJsonString().AsMemory(), deadline.Token);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode == 3)
        {
            throw new InvalidOperationException("python3-jinja2 is missing: apt-get install -y python3-jinja2 (test.sh and .ci/run install it)");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Jinja2 refused a template: {await error}");
        }

        return JsonSerializer.Deserialize<string[]>(await output) ?? [];
    }
}
