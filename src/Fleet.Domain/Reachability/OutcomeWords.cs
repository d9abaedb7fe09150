using Fleet.Domain.Messages;

namespace Fleet.Domain.Reachability;

/// <summary>
/// The one wording table of check outcomes and their sources: <c>/d/{id}</c>'s 503 detail, the dashboard (served as
/// <c>GET /reachability/words</c>) and the OpenAPI document all say the same thing.
/// </summary>
public static class OutcomeWords
{
    /// <summary>Each outcome of <see cref="CheckOutcomes"/> in words.</summary>
    public static IReadOnlyDictionary<string, string> Outcomes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [CheckOutcomes.Ok] = "the URL answers",
        [CheckOutcomes.UpstreamDown] = "the service behind the tunnel does not answer",
        [CheckOutcomes.EndpointOffline] = "the provider has no live endpoint for this URL",
        [CheckOutcomes.EdgeError] = "the provider's edge answers with an error of its own",
        [CheckOutcomes.Timeout] = "no answer in time",
        [CheckOutcomes.TlsError] = "the TLS handshake fails",
        [CheckOutcomes.DnsError] = "the URL's host name does not resolve",
        [CheckOutcomes.Refused] = "the probe may not connect to this address",
    };

    /// <summary>Who saw it, in words (<see cref="CheckSources"/>).</summary>
    public static IReadOnlyDictionary<string, string> Sources { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [CheckSources.Agent] = "seen by the agent",
        [CheckSources.Probe] = "seen by the API's probe",
    };

    /// <summary>The words for an outcome; an outcome from a newer agent that this table does not know is named as it is.</summary>
    public static string ForOutcome(string outcome) =>
        Outcomes.TryGetValue(outcome, out var words) ? words : $"the check failed ({Printable(outcome)})";

    /// <summary>One failing tunnel in a sentence, e.g. "tunnel web: the service behind the tunnel does not answer (ERR_NGROK_8012), seen by the agent".</summary>
    public static string Describe(FailingTunnel failing)
    {
        var code = failing.Code is { Length: > 0 } c ? $" ({Printable(c)})" : string.Empty;
        var source = Sources.TryGetValue(failing.Source, out var who) ? who : $"seen by {Printable(failing.Source)}";
        return $"tunnel {Printable(failing.Tunnel)}: {ForOutcome(failing.Outcome)}{code}, {source}";
    }

    // Outcomes and codes come from agents: at most 64 characters and no control characters in a sentence.
    private static string Printable(string value) =>
        new([.. value.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
}
