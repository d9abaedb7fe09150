using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Agent.Publishing;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(AgentStatus))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
