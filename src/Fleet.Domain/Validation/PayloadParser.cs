using System.Buffers;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Fleet.Domain.Identity;
using Fleet.Domain.Messages;

namespace Fleet.Domain.Validation;

/// <summary>
/// Turns raw MQTT payloads into validated messages. Strict about what matters (size, depth, required fields,
/// types, schema, ids, URLs) and lenient about what the contract allows to grow (unknown extra fields).
/// </summary>
public static class PayloadParser
{
    public const int MaxPayloadBytes = 64 * 1024;
    public const int MaxDepth = 16;
    public const int MaxTunnels = 32;
    public const int MaxTextLength = 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    public static ParseResult<StateMessage> ParseState(ReadOnlySequence<byte> payload, string topicDetectorId, UrlPolicy policy)
    {
        var parsed = Deserialize(payload, FleetJsonContext.Default.StateMessage);
        if (!parsed.IsValid)
        {
            return parsed;
        }

        var error = ValidateState(parsed.Value, topicDetectorId, policy);
        return error is null ? ParseResult<StateMessage>.Ok(WithAsciiUrls(parsed.Value)) : new ParseResult<StateMessage>(null, error);
    }

    public static ParseResult<StatusMessage> ParseStatus(ReadOnlySequence<byte> payload)
    {
        var parsed = Deserialize(payload, FleetJsonContext.Default.StatusMessage);
        if (!parsed.IsValid)
        {
            return parsed;
        }

        var status = parsed.Value;
        // The enum converter also maps integers (7) and numeric strings to Presence: only the three names are valid here.
        if (status.State is not (Presence.Online or Presence.Offline or Presence.Lost))
        {
            return ParseResult<StatusMessage>.Fail(RejectionReason.InvalidFields, "state must be online, offline or lost");
        }

        if (status.Epoch < 0)
        {
            return ParseResult<StatusMessage>.Fail(RejectionReason.InvalidFields, "epoch must not be negative");
        }

        if (InstanceIds.Validate(status.Instance) is { } instanceError)
        {
            return ParseResult<StatusMessage>.Fail(RejectionReason.InvalidFields, instanceError);
        }

        return ValidateReason(status.Reason) is { } reasonError
            ? ParseResult<StatusMessage>.Fail(RejectionReason.InvalidFields, reasonError)
            : parsed;
    }

    private static ParseResult<T> Deserialize<T>(ReadOnlySequence<byte> payload, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (payload.Length > MaxPayloadBytes)
        {
            return ParseResult<T>.Fail(RejectionReason.TooLarge, $"payload of {payload.Length} bytes is larger than {MaxPayloadBytes}");
        }

        if (CheckSyntax(payload) is { } syntaxError)
        {
            return ParseResult<T>.Fail(RejectionReason.NotJson, syntaxError);
        }

        try
        {
            var reader = new Utf8JsonReader(payload, ReaderOptions);
            var value = JsonSerializer.Deserialize(ref reader, typeInfo);
            return value is null
                ? ParseResult<T>.Fail(RejectionReason.NotJson, "payload is JSON null")
                : ParseResult<T>.Ok(value);
        }
        catch (JsonException ex)
        {
            // The message names the JSON path and what was expected; it never echoes the payload.
            return ParseResult<T>.Fail(RejectionReason.InvalidFields, ex.Message);
        }
    }

    /// <summary>
    /// A first pass with the reader alone separates "not JSON at all" (syntax, depth, UTF-8) from "JSON of the
    /// wrong shape"; at these sizes it costs microseconds.
    /// </summary>
    private static string? CheckSyntax(ReadOnlySequence<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "payload is not a JSON object";
            }

            while (reader.Read())
            {
                // Forces UTF-8 validation of every string value and property name (unknown names are skipped later,
                // unchecked). The plain case is checked in place; escaped or split values, and invalid ones, go
                // through GetString, which throws the reader's own message, without a string per value otherwise.
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
                    && (reader.ValueIsEscaped || reader.HasValueSequence || !Utf8.IsValid(reader.ValueSpan)))
                {
                    _ = reader.GetString();
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            return ex.Message;
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    private static Rejection? ValidateState(StateMessage state, string topicDetectorId, UrlPolicy policy)
    {
        if (state.Schema != StateMessage.CurrentSchema)
        {
            return new(RejectionReason.UnknownSchema, $"schema {state.Schema} is not supported (expected {StateMessage.CurrentSchema})");
        }

        if (DetectorId.Validate(state.DetectorId) is { } idError)
        {
            return new(RejectionReason.InvalidFields, idError);
        }

        if (state.DetectorId != topicDetectorId)
        {
            return new(RejectionReason.IdMismatch, $"payload detectorId '{state.DetectorId}' differs from topic id '{topicDetectorId}'");
        }

        if (state.Epoch < 0 || state.Seq < 0)
        {
            return new(RejectionReason.InvalidFields, "epoch and seq must not be negative");
        }

        if (InstanceIds.Validate(state.Instance) is { } instanceError)
        {
            return new(RejectionReason.InvalidFields, instanceError);
        }

        if (state.HeartbeatSeconds is < 1 or > 86_400)
        {
            return new(RejectionReason.InvalidFields, "heartbeatSeconds must be between 1 and 86400");
        }

        if (state.Tunnels.Count > MaxTunnels)
        {
            return new(RejectionReason.InvalidFields, $"more than {MaxTunnels} tunnels");
        }

        if (HealthRules.Validate(state.Health) is { } healthError)
        {
            return new(RejectionReason.InvalidFields, healthError);
        }

        return ValidateTunnels(state.Tunnels, policy) ?? ValidateTexts(state);
    }

    private static Rejection? ValidateTunnels(IReadOnlyList<TunnelReport> tunnels, UrlPolicy policy)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tunnel in tunnels)
        {
            // Nullable annotations are not enforced on collection elements, so "tunnels": [null] arrives here.
            if (tunnel is null)
            {
                return new(RejectionReason.InvalidFields, "a tunnel must be an object, not null");
            }

            if (tunnel.Name.Length is 0 or > 64 || TextRules.FindHidden(tunnel.Name) is not null || tunnel.Name.Contains('/', StringComparison.Ordinal))
            {
                return new(RejectionReason.InvalidFields, "a tunnel name must be 1 to 64 printable characters without '/'");
            }

            if (!names.Add(tunnel.Name))
            {
                return new(RejectionReason.InvalidFields, $"tunnel name '{tunnel.Name}' appears twice");
            }

            if (UrlRules.Validate(tunnel.Url, policy) is { } urlError)
            {
                return new(RejectionReason.InvalidUrl, $"tunnel '{tunnel.Name}': {urlError}");
            }

            if (TunnelProtos.Validate(tunnel.Proto, tunnel.Url) is { } protoError)
            {
                return new(RejectionReason.InvalidFields, $"tunnel '{tunnel.Name}': {protoError}");
            }

            if (tunnel.Upstream is { } upstream && (upstream.Length > UrlRules.MaxLength || TextRules.FindHidden(upstream) is not null))
            {
                return new(RejectionReason.InvalidFields, $"tunnel '{tunnel.Name}': upstream is longer than {UrlRules.MaxLength} characters or holds control characters");
            }

            if (tunnel.Check is { } check && CheckRules.Validate(check) is { } checkError)
            {
                return new(RejectionReason.InvalidFields, $"tunnel '{tunnel.Name}': {checkError}");
            }
        }

        return null;
    }

    /// <summary>
    /// Hosts are stored in ASCII (punycode): a Location header must be ASCII, and a look-alike name shows as what it is.
    /// </summary>
    private static StateMessage WithAsciiUrls(StateMessage state) =>
        state.Tunnels.All(t => System.Text.Ascii.IsValid(t.Url))
            ? state
            : state with { Tunnels = [.. state.Tunnels.Select(t => t with { Url = UrlRules.ToAscii(t.Url) ?? t.Url })] };

    /// <summary>
    /// Free text from the device: at most <see cref="MaxTextLength"/> characters, no control or invisible characters
    /// (<see cref="TextRules"/>); the provider's error text may hold line breaks and tabs (a process's own message).
    /// </summary>
    private static Rejection? ValidateTexts(StateMessage state)
    {
        string?[] words =
        [
            state.Provider?.Kind, state.Provider?.Version, state.Provider?.State, state.Provider?.Reason, state.Provider?.NgrokAccount,
            state.Agent?.Version, state.Agent?.Hostname, state.Agent?.Os, state.Agent?.Arch,
        ];
        if (words.Append(state.Provider?.Error).Any(text => text is { Length: > MaxTextLength }))
        {
            return new(RejectionReason.InvalidFields, $"a provider or agent field is longer than {MaxTextLength} characters");
        }

        return words.Any(text => text is not null && TextRules.FindHidden(text) is not null)
            || state.Provider?.Error is { } error && TextRules.FindHidden(error, allowLineBreaks: true) is not null
            ? new(RejectionReason.InvalidFields, "a provider or agent field holds control or invisible characters")
            : null;
    }

    /// <summary>A status message's reason: the same limits as the provider's error text.</summary>
    private static string? ValidateReason(string? reason) =>
        reason switch
        {
            { Length: > MaxTextLength } => $"reason is longer than {MaxTextLength} characters",
            not null when TextRules.FindHidden(reason, allowLineBreaks: true) is not null => "reason holds control or invisible characters",
            _ => null,
        };
}
