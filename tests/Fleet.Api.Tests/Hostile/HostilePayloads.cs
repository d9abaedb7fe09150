using System.Text;
using System.Text.Json.Nodes;

namespace Fleet.Api.Tests.Hostile;

/// <summary>Builders of hostile payload bytes, each starting from the detector's next valid state where it can.</summary>
internal static class HostilePayloads
{
    public static Func<HostileContext, byte[]> Text(string text) => _ => Encoding.UTF8.GetBytes(text);

    public static Func<HostileContext, byte[]> Bytes(params byte[] bytes) => _ => bytes;

    /// <summary>The next valid state (seq + 1) after <paramref name="edit"/>: if the API wrongly took it, the stored seq would move.</summary>
    public static Func<HostileContext, byte[]> State(Action<JsonObject> edit) => ctx =>
    {
        var state = NextState(ctx);
        edit(state);
        return Encoding.UTF8.GetBytes(state.ToJsonString());
    };

    public static Func<HostileContext, byte[]> Url(string url) => State(s => s["tunnels"]![0]!["url"] = url);

    /// <summary>The next valid state's JSON with raw bytes spliced in place of the placeholder "@@" inside agent.hostname.</summary>
    public static Func<HostileContext, byte[]> RawInHostname(params byte[] raw) => ctx =>
    {
        var state = NextState(ctx);
        state["agent"]!["hostname"] = "pi@@x";
        var json = state.ToJsonString();
        var at = json.IndexOf("@@", StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(json[..at]), .. raw, .. Encoding.UTF8.GetBytes(json[(at + 2)..])];
    };

    /// <summary>The next valid state with its last closing brace replaced by <paramref name="tail"/> (to splice raw JSON text).</summary>
    public static Func<HostileContext, byte[]> WithRawField(string name, string rawJson) => ctx =>
    {
        var json = NextState(ctx).ToJsonString();
        return Encoding.UTF8.GetBytes(json[..^1] + $",\"{name}\":{rawJson}}}");
    };

    public static Func<HostileContext, byte[]> Tunnels(string rawArray) => ctx =>
    {
        var state = NextState(ctx);
        state.Remove("tunnels");
        var json = state.ToJsonString();
        return Encoding.UTF8.GetBytes(json[..^1] + $",\"tunnels\":{rawArray}}}");
    };

    public static Func<HostileContext, byte[]> OldEpoch => ctx => Encoding.UTF8.GetBytes(Messages.Json(
        Messages.State(ctx.DetectorId, ctx.Epoch - 1, ctx.Seq + 500, "https://replayed.ngrok-free.app")));

    public static Func<HostileContext, byte[]> SameVersion => ctx => Encoding.UTF8.GetBytes(Messages.Json(
        Messages.State(ctx.DetectorId, ctx.Epoch, ctx.Seq, "https://duplicate.ngrok-free.app")));

    public static Func<HostileContext, byte[]> Status(string json) => ctx => Encoding.UTF8.GetBytes(json.Replace("EPOCH", ctx.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    public static JsonObject NextState(HostileContext ctx) =>
        JsonNode.Parse(Messages.Json(Messages.State(ctx.DetectorId, ctx.Epoch, ctx.Seq + 1, "https://hostile.ngrok-free.app")))!.AsObject();

    public static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    public static string Repeat(string element, int count) => "[" + string.Join(",", Enumerable.Repeat(element, count)) + "]";
}
