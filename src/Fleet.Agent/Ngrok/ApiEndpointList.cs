namespace Fleet.Agent.Ngrok;

/// <summary>Wire shape of `GET /api/endpoints` (newer agents).</summary>
internal sealed record ApiEndpointList(IReadOnlyList<ApiEndpoint>? Endpoints);
