namespace Fleet.Agent.Ngrok;

/// <summary>
/// One public URL the local ngrok agent serves, whichever of its two APIs reported it.
/// </summary>
/// <param name="Name">The tunnel or endpoint name from the config (`command_line` for CLI-started ones).</param>
/// <param name="PublicUrl">The public URL, e.g. `https://d95211d2.ngrok.app` or `tcp://0.tcp.ngrok.io:53476`.</param>
/// <param name="Proto">`https`, `http`, `tcp` or `tls`.</param>
/// <param name="Upstream">Where ngrok forwards to (`config.addr` or `upstream.url`), as ngrok wrote it.</param>
/// <param name="Id">The tunnel id some agents add as a capital `ID`; absent from the docs and from /api/endpoints.</param>
internal sealed record NgrokTunnel(string Name, string PublicUrl, string Proto, string? Upstream, string? Id);
