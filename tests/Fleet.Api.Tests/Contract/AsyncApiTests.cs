using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using YamlDotNet.RepresentationModel;

namespace Fleet.Api.Tests.Contract;

/// <summary>docs/asyncapi.yaml describes the topics and messages the code really uses.</summary>
public sealed class AsyncApiTests
{
    private const string Id = "{detectorId}";

    private static readonly YamlMappingNode Document = Load();

    [Fact]
    public void AsyncApi_IsVersion3_WithAnMqttServer()
    {
        Assert.Equal("3.0.0", Scalar(Document, "asyncapi"));
        var servers = Map(Document, "servers");
        Assert.Contains(servers.Children.Values.Cast<YamlMappingNode>(), s => Scalar(s, "protocol") == "mqtt");
    }

    [Fact]
    public void ChannelAddresses_AreExactlyTheTopicsTheCodeUses()
    {
        var addresses = Map(Document, "channels").Children.Values.Cast<YamlMappingNode>().Select(c => Scalar(c, "address") ?? "").ToHashSet();

        string[] expected =
        [
            FleetTopics.Status(Id), FleetTopics.State(Id), FleetTopics.Registry(Id), FleetTopics.Events(Id),
            FleetTopics.ApiStatus, FleetTopics.ControlResync,
            global::Fleet.Api.Monitoring.HomeAssistant.HomeAssistantConfigs.Topic("{discoveryPrefix}", "{component}", Id, "{objectId}"),
        ];
        Assert.Equal(expected.ToHashSet(), addresses);
    }

    [Theory]
    [InlineData("detectorStatus", "receive", true)]
    [InlineData("detectorState", "receive", true)]
    [InlineData("registry", "send", true)]
    [InlineData("events", "send", false)]
    [InlineData("apiStatus", "send", true)]
    [InlineData("controlResync", "send", false)]
    [InlineData("homeAssistantConfig", "send", true)]
    public void Operations_UseQos1_AndTheContractsRetainFlag(string channel, string action, bool retain)
    {
        var operation = Assert.Single(
            Map(Document, "operations").Children.Values.Cast<YamlMappingNode>(),
            o => Scalar(Map(o, "channel"), "$ref") == $"#/channels/{channel}");

        Assert.Equal(action, Scalar(operation, "action"));
        var mqtt = Map(Map(operation, "bindings"), "mqtt");
        Assert.Equal("1", Scalar(mqtt, "qos"));
        Assert.Equal(retain ? "true" : "false", Scalar(mqtt, "retain"));
    }

    [Theory]
    [InlineData("State", typeof(StateMessage))]
    [InlineData("Status", typeof(StatusMessage))]
    [InlineData("Event", typeof(FleetEvent))]
    [InlineData("TunnelReport", typeof(TunnelReport))]
    [InlineData("Provider", typeof(ProviderReport))]
    public void SchemaRequiredFields_AreTheRecordsRequiredMembers(string schema, Type record)
    {
        Assert.Equal(RequiredMembers(record), SchemaRequired(schema));
    }

    [Fact]
    public void DetectorViewSchema_RequiresEveryRequiredMemberOfTheView()
    {
        Assert.Subset(SchemaRequired("DetectorView"), RequiredMembers(typeof(DetectorView)));
    }

    [Fact]
    public void MessageExamples_AreValidForTheDomainParser()
    {
        // The status example must be what the agent's own JSON context reads.
        var example = Map(Map(Map(Document, "components"), "messages"), "status");
        var payload = (YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)example.Children[new YamlScalarNode("examples")])[0]).Children[new YamlScalarNode("payload")];
        var json = $$"""{"state":"{{Scalar(payload, "state")}}","epoch":{{Scalar(payload, "epoch")}},"at":"{{Scalar(payload, "at")}}","reason":null}""";

        var status = JsonSerializer.Deserialize(json, FleetJsonContext.Default.StatusMessage);

        Assert.Equal(Presence.Online, status!.State);
    }

    private static HashSet<string> RequiredMembers(Type record) =>
        record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<RequiredMemberAttribute>() is not null)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .ToHashSet();

    private static HashSet<string> SchemaRequired(string schema)
    {
        var node = Map(Map(Map(Document, "components"), "schemas"), schema);
        return ((YamlSequenceNode)node.Children[new YamlScalarNode("required")]).Children
            .Cast<YamlScalarNode>().Select(s => s.Value!).ToHashSet();
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map
            ? map
            : throw new KeyNotFoundException($"docs/asyncapi.yaml: no mapping '{key}'");

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? ((YamlScalarNode)child).Value : null;

    private static YamlMappingNode Load()
    {
        using var reader = new StreamReader(Path.Combine(RepositoryPaths.Root, "docs", "asyncapi.yaml"));
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
