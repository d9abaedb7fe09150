namespace Fleet.Api.Reachability;

/// <summary>What <c>GET /reachability/words</c> answers: the outcomes and their sources in words (Fleet.Domain.Reachability.OutcomeWords).</summary>
/// <param name="Outcomes">Each check outcome (<c>upstream-down</c>, …) in words.</param>
/// <param name="Sources">Who saw it (<c>agent</c>, <c>probe</c>) in words.</param>
public sealed record ReachabilityWords(IReadOnlyDictionary<string, string> Outcomes, IReadOnlyDictionary<string, string> Sources);
