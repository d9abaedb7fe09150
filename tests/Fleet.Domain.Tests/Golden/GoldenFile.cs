using System.Text.Json.Nodes;

namespace Fleet.Domain.Tests.Golden;

/// <summary>Reads the golden payloads copied next to the test assembly and compares JSON documents.</summary>
internal static class GoldenFile
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name));

    /// <summary>Equal as JSON: white-space and property order do not matter, names, values and types do.</summary>
    public static void AssertSameJson(string expected, string actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual);
        Assert.True(
            JsonNode.DeepEquals(expectedNode, actualNode),
            $"JSON differs.{Environment.NewLine}expected: {expectedNode?.ToJsonString()}{Environment.NewLine}actual:   {actualNode?.ToJsonString()}");
    }
}
