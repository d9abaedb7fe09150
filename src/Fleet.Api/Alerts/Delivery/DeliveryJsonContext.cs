using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>The stored notice (the outbox's payload) and the delivery REST views.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertNotice))]
[JsonSerializable(typeof(DestinationInput))]
[JsonSerializable(typeof(DestinationUpdate))]
[JsonSerializable(typeof(DestinationView))]
[JsonSerializable(typeof(IReadOnlyList<DestinationView>))]
[JsonSerializable(typeof(DestinationTestView))]
[JsonSerializable(typeof(DeliveryView))]
[JsonSerializable(typeof(IReadOnlyList<DeliveryView>))]
[JsonSerializable(typeof(DeliveryDetailView))]
internal sealed partial class DeliveryJsonContext : JsonSerializerContext;
