namespace Fleet.Agent.Ngrok;

/// <summary>One entry of `endpoints[]`: `url` instead of `public_url`, no `proto`, no id.</summary>
internal sealed record ApiEndpoint(string? Name, string? Url, ApiUpstream? Upstream);
