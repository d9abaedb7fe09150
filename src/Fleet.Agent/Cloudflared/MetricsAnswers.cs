namespace Fleet.Agent.Cloudflared;

/// <summary>
/// <c>GET /quicktunnel</c> on cloudflared's metrics server: <c>{"hostname":"&lt;random&gt;.trycloudflare.com"}</c>, the bare
/// host without a scheme, and an empty hostname when the process runs no quick tunnel
/// (cloudflared's metrics/metrics.go; its component tests read it the same way).
/// </summary>
internal sealed record QuickTunnelAnswer(string? Hostname);

/// <summary>
/// <c>GET /ready</c>: 200 with <c>{"status":200,"readyConnections":1,"connectorId":"…"}</c> while at least one connection to
/// Cloudflare's edge is registered, 503 with the same shape and 0 connections otherwise (metrics/readiness.go, and
/// Cloudflare's docs: "cloudflared tunnel ready" checks).
/// </summary>
internal sealed record ReadyAnswer(int Status, int ReadyConnections, string? ConnectorId);
