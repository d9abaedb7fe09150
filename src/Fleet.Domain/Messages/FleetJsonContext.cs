using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>
/// The one place the wire format is defined. Source generated so that the agent can be trimmed or compiled
/// ahead of time, and so that the golden tests pin exactly what goes on the wire.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(StateMessage))]
[JsonSerializable(typeof(DetectorView))]
[JsonSerializable(typeof(IReadOnlyList<DetectorView>))]
[JsonSerializable(typeof(FleetEvent))]
[JsonSerializable(typeof(ApiStatusMessage))]
public sealed partial class FleetJsonContext : JsonSerializerContext;
