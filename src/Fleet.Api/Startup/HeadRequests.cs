using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Fleet.Api.Startup;

/// <summary>
/// <c>HEAD</c> on every GET route (RFC 9110 §9.3.2): the request runs as the GET it mirrors, through the same
/// authentication, limits and handler, so status and headers are the GET's; the body is dropped, and once the headers
/// are out the request counts as aborted, so a stream such as <c>/events</c> ends instead of writing for ever.
/// Runs before routing, so the GET endpoint matches.
/// </summary>
internal static class HeadRequests
{
    public static WebApplication UseHeadAsGet(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await next(context);
                return;
            }

            var inner = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            var lifetime = context.Features.GetRequiredFeature<IHttpRequestLifetimeFeature>();
            using var headersSent = new CancellationTokenSource();
            using var aborted = CancellationTokenSource.CreateLinkedTokenSource(lifetime.RequestAborted, headersSent.Token);
            var body = new HeadResponseBody(inner, context, headersSent);
            context.Features.Set<IHttpResponseBodyFeature>(body);
            context.Features.Set<IHttpRequestLifetimeFeature>(new HeadLifetime(lifetime, aborted.Token));
            context.Request.Method = HttpMethods.Get;
            try
            {
                await next(context);
            }
            finally
            {
                context.Request.Method = HttpMethods.Head;
                context.Features.Set(inner);
                context.Features.Set(lifetime);
            }
        });
        return app;
    }

    private sealed class HeadLifetime(IHttpRequestLifetimeFeature inner, CancellationToken aborted) : IHttpRequestLifetimeFeature
    {
        public CancellationToken RequestAborted { get => aborted; set => inner.RequestAborted = value; }

        public void Abort() => inner.Abort();
    }

    /// <summary>Sends the headers through the real body feature and discards everything written after them.</summary>
    private sealed class HeadResponseBody(IHttpResponseBodyFeature inner, HttpContext context, CancellationTokenSource headersSent)
        : Stream, IHttpResponseBodyFeature
    {
        private PipeWriter? writer;

        public Stream Stream => this;

        public PipeWriter Writer => writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

        public void DisableBuffering() => inner.DisableBuffering();

        public async Task StartAsync(CancellationToken cancellationToken = default)
        {
            if (context.Response.HasStarted)
            {
                return;
            }

            // The wire answers the HEAD that was asked (Kestrel then sends no body framing).
            context.Request.Method = HttpMethods.Head;
            await inner.StartAsync(cancellationToken);
            await headersSent.CancelAsync();
        }

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => StartAsync(cancellationToken);

        public Task CompleteAsync() => inner.CompleteAsync();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => StartAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await StartAsync(cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => StartAsync(cancellationToken);
    }
}
