using System.Net;
using System.Text;

namespace Fleet.Agent.Tests.Ngrok;

/// <summary>
/// A real HTTP server on 127.0.0.1 serving fixed responses per path, so the client is tested through real
/// sockets and HttpClient rather than a mocked handler. Paths without a response answer 404, as a route
/// missing from an older agent does.
/// </summary>
internal sealed class FixtureHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly IReadOnlyDictionary<string, FixtureResponse> _routes;
    private readonly Task _loop;

    private FixtureHttpServer(HttpListener listener, int port, IReadOnlyDictionary<string, FixtureResponse> routes)
    {
        _listener = listener;
        _routes = routes;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <param name="routes">Keyed by absolute path, e.g. `/api/tunnels`.</param>
    /// <param name="alsoAnswerLocalhost">Also accept requests addressed to `localhost:port` (a second origin).</param>
    public static FixtureHttpServer Start(IReadOnlyDictionary<string, FixtureResponse> routes, bool alsoAnswerLocalhost = false)
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = FreePort.Next();
            HttpListener listener = new();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            if (alsoAnswerLocalhost)
            {
                listener.Prefixes.Add($"http://localhost:{port}/");
            }

            try
            {
                listener.Start();
                return new FixtureHttpServer(listener, port, routes);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                // Someone took the port between the probe and the bind (tests run in parallel): try another.
                CloseQuietly(listener);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        CloseQuietly(_listener);
        await _loop;
    }

    // The managed HttpListener can throw from Stop/Close after a failed or contended bind; closing is best effort.
    private static void CloseQuietly(HttpListener listener)
    {
        try
        {
            listener.Stop();
            listener.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
            // Nothing left to release.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            using HttpListenerResponse response = context.Response;
            FixtureResponse answer = _routes.GetValueOrDefault(context.Request.Url?.AbsolutePath ?? "") ?? FixtureResponse.NotFound;
            response.StatusCode = answer.Status;
            if (answer.Location is not null)
            {
                response.RedirectLocation = answer.Location;
            }

            if (answer.Body is not null)
            {
                byte[] body = Encoding.UTF8.GetBytes(answer.Body);
                response.ContentType = "application/json";
                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body);
            }
        }
    }
}
