using System.Text.Json;
using Microsoft.Playwright;

namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>
/// axe-core (npm, tests/browser/axe, installed by <c>npm ci</c> in test.sh and .ci/run) injected into a page: the
/// accessibility scan of the dashboard. The page's context must bypass the CSP (the script is injected inline).
/// </summary>
internal static class AxeScan
{
    private static readonly string Script = Path.Combine(RepositoryPaths.Root, "tests", "browser", "axe", "node_modules", "axe-core", "axe.min.js");

    /// <summary>The serious and critical violations on what the page shows now, one line each (rule, impact, elements).</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        Assert.True(File.Exists(Script), $"The accessibility scan needs {Script}: cd tests/browser/axe && npm ci");
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = await File.ReadAllTextAsync(Script) });
        var found = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations
                .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
            }
            """);
        return [.. found.EnumerateArray().Select(v => v.GetString()!)];
    }
}
