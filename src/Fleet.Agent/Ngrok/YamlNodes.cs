using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Fleet.Agent.Ngrok;

/// <summary>
/// Navigation over YamlDotNet's representation model (YamlStream), which builds nodes without reflection:
/// a trimmed and a Native AOT publish using it gave no warnings, unlike the reflection-based deserializer.
/// </summary>
internal static class YamlNodes
{
    public static YamlMappingNode? Map(YamlNode? node) => node as YamlMappingNode;

    public static YamlNode? Child(YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }

        foreach ((YamlNode k, YamlNode v) in map.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && name == key)
            {
                return v;
            }
        }

        return null;
    }

    /// <summary>The scalar's text; null for a missing node, a non-scalar, or YAML null (`~`, `null`, empty).</summary>
    public static string? Text(YamlNode? node)
    {
        if (node is not YamlScalarNode { Value: { } value } scalar)
        {
            return null;
        }

        bool plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        return plain && (value is "" or "~" or "null" or "Null" or "NULL") ? null : value;
    }
}
