using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Domain.Messages;
using Fleet.Domain.Tests.Validation;
using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Golden;

/// <summary>The rules that let the contract grow by adding fields, and the spelling of values on the wire.</summary>
public sealed class WireCompatibilityTests
{
    // How a host typically plugs the context into its own options (e.g. ASP.NET Core's JSON options).
    private static readonly JsonSerializerOptions HostOptions = new(JsonSerializerDefaults.Web) { TypeInfoResolver = FleetJsonContext.Default };

    [Fact]
    public void State_UnknownExtraFieldsEverywhere_AreAcceptedAndIgnored()
    {
        var state = Payload.State();
        state["futureTopLevel"] = new JsonObject { ["nested"] = new JsonArray(1, "two", null, true) };
        state["tunnels"]![0]!["futureTunnelField"] = "x";
        state["provider"]!["futureProviderField"] = 42;
        state["agent"]!["futureAgentField"] = null;

        var result = PayloadParser.ParseState(Payload.Of(state), "pi-042", UrlPolicy.Open);

        Assert.True(result.IsValid, result.Error?.Detail);
        GoldenFile.AssertSameJson(GoldenFile.Read("state.json"), JsonSerializer.Serialize(result.Value, FleetJsonContext.Default.StateMessage));
    }

    [Fact]
    public void State_OptionalFieldsMissing_IsAccepted()
    {
        var state = Payload.State();
        foreach (var optional in new[] { "sentAt", "heartbeatSeconds", "provider", "agent" })
        {
            Assert.True(state.Remove(optional));
        }

        var result = PayloadParser.ParseState(Payload.Of(state), "pi-042", UrlPolicy.Open);

        Assert.True(result.IsValid, result.Error?.Detail);
        Assert.Null(result.Value.Provider);
        Assert.Null(result.Value.HeartbeatSeconds);
    }

    [Fact]
    public void ProviderKindAndState_NewValuesFromANewerAgent_AreAccepted()
    {
        var state = Payload.State();
        state["provider"]!["kind"] = "cloudflared";
        state["provider"]!["state"] = "hibernating";

        var result = PayloadParser.ParseState(Payload.Of(state), "pi-042", UrlPolicy.Open);

        Assert.True(result.IsValid, result.Error?.Detail);
        Assert.Equal("cloudflared", result.Value.Provider?.Kind);
    }

    [Theory]
    [InlineData(Presence.Unknown, "unknown")]
    [InlineData(Presence.Online, "online")]
    [InlineData(Presence.Offline, "offline")]
    [InlineData(Presence.Lost, "lost")]
    public void Presence_OnTheWire_IsLowerCaseString(Presence presence, string expected)
    {
        var status = JsonNode.Parse(JsonSerializer.Serialize(new StatusMessage { State = presence, Epoch = 1 }, FleetJsonContext.Default.StatusMessage))!;
        var view = JsonNode.Parse(JsonSerializer.Serialize(
            new DetectorView { Id = "pi-1", Status = presence, Links = DetectorLinks.For("pi-1") },
            FleetJsonContext.Default.DetectorView))!;

        Assert.Equal(JsonValueKind.String, status["state"]!.GetValueKind());
        Assert.Equal(expected, status["state"]!.GetValue<string>());
        Assert.Equal(expected, view["status"]!.GetValue<string>());
        Assert.Equal(expected, presence.ToWire());
        Assert.True(PresenceNames.TryParse(expected, out var parsed));
        Assert.Equal(presence, parsed);
    }

    [Fact]
    public void PropertyNames_OnTheWire_AreCamelCase()
    {
        var json = JsonSerializer.Serialize(
            new StateMessage { Schema = 1, DetectorId = "pi-1", Epoch = 1, Seq = 0, HeartbeatSeconds = 60, Tunnels = [] },
            FleetJsonContext.Default.StateMessage);

        Assert.Contains("\"detectorId\":\"pi-1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"heartbeatSeconds\":60", json, StringComparison.Ordinal);
        Assert.DoesNotContain("DetectorId", json, StringComparison.Ordinal);
    }

    [Fact]
    public void NullFields_OnTheWire_AreWrittenNotOmitted()
    {
        var json = JsonSerializer.Serialize(new StatusMessage { State = Presence.Online, Epoch = 3 }, FleetJsonContext.Default.StatusMessage);

        GoldenFile.AssertSameJson("""{"state":"online","epoch":3,"at":null,"reason":null}""", json);
    }

    [Theory]
    [InlineData("2026-11-28T10:00:00Z", "2026-11-28T10:00:00Z")]
    [InlineData("2026-11-28T10:00:00.5Z", "2026-11-28T10:00:00.5Z")]
    [InlineData("2026-11-28T10:00:00.1234567Z", "2026-11-28T10:00:00.1234567Z")]
    [InlineData("2026-11-28T10:00:00+00:00", "2026-11-28T10:00:00Z")]
    [InlineData("2026-11-28T11:30:00+01:30", "2026-11-28T10:00:00Z")]
    [InlineData("2026-11-28T05:00:00-05:00", "2026-11-28T10:00:00Z")]
    public void Timestamp_AnyOffset_IsWrittenAsUtcWithZ(string received, string written)
    {
        var status = JsonSerializer.Deserialize($$"""{"state":"online","epoch":1,"at":"{{received}}"}""", FleetJsonContext.Default.StatusMessage)!;

        var json = JsonSerializer.Serialize(status, FleetJsonContext.Default.StatusMessage);

        Assert.Contains($"\"at\":\"{written}\"", json, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.Parse(received, System.Globalization.CultureInfo.InvariantCulture), status.At);
    }

    [Theory]
    [InlineData("status-online.json")]
    [InlineData("status-lost.json")]
    [InlineData("state.json")]
    [InlineData("detector-view.json")]
    [InlineData("event-url-changed.json")]
    [InlineData("api-status.json")]
    public void Golden_ThroughOptionsUsingTheContextAsResolver_RoundTripsExactly(string file)
    {
        var type = file switch
        {
            "state.json" => typeof(StateMessage),
            "detector-view.json" => typeof(DetectorView),
            "event-url-changed.json" => typeof(FleetEvent),
            "api-status.json" => typeof(ApiStatusMessage),
            _ => typeof(StatusMessage),
        };
        var json = GoldenFile.Read(file);

        var value = JsonSerializer.Deserialize(json, type, HostOptions);

        GoldenFile.AssertSameJson(json, JsonSerializer.Serialize(value, type, HostOptions));
    }

    [Fact]
    public void Timestamps_EveryMessageProperty_UseTheUtcConverter()
    {
        var properties = typeof(FleetJsonContext).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(FleetJsonContext).Namespace && t.IsPublic)
            .SelectMany(t => t.GetProperties())
            .Where(p => p.PropertyType == typeof(DateTimeOffset) || p.PropertyType == typeof(DateTimeOffset?))
            .ToList();

        Assert.NotEmpty(properties);
        Assert.All(properties, p => Assert.NotNull(p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonConverterAttribute), inherit: false).SingleOrDefault()));
    }

    [Fact]
    public void Timestamp_ThroughOptionsUsingTheContextAsResolver_IsStillWrittenWithZ()
    {
        var status = new StatusMessage { State = Presence.Online, Epoch = 1, At = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero) };

        var json = JsonSerializer.Serialize(status, HostOptions);

        Assert.Contains("\"at\":\"2026-11-28T10:00:00Z\"", json, StringComparison.Ordinal);
    }
}
