using Fleet.Api.Data;
using Microsoft.AspNetCore.Diagnostics;

namespace Fleet.Api.Errors;

/// <summary>
/// Maps the few known exceptions to problem details; everything else is a 500 without internals (the details go
/// to the log, never to the client).
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            // Parameter binding ("limit=abc"), oversized or malformed bodies: the message says what was wrong.
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            // An outage, not a bug: the client may retry, and a reader never hangs or sees a 500 for it.
            _ when DatabaseFailures.IsUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, "Database unavailable",
                "The database cannot be reached right now; retry after the number of seconds in Retry-After."),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error", "An unexpected error occurred; it has been logged."),
        };

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = DatabaseFailures.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            LogDatabaseUnavailable(httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name, exception.Message);
        }
        else if (status >= 500)
        {
            LogUnhandled(exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    // One line, no stack: during an outage every request ends here.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable for {Method} {Path}: {ExceptionType}: {Reason}")]
    private partial void LogDatabaseUnavailable(string method, string path, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}
