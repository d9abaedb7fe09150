using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Limits;

/// <summary>
/// Refuses an oversized body (by its Content-Length, before anything reads it) with 413 and a long query string with
/// 414, as problem details, whatever the server; a body without a length is capped by the server's own limit.
/// </summary>
internal sealed class RequestSizeLimits(RequestDelegate next, IOptions<LimitsOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limits = options.Value;
        var request = context.Request;
        if (request.ContentLength > limits.MaxRequestBodyBytes)
        {
            return Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload too large",
                $"The request body is larger than {limits.MaxRequestBodyBytes} bytes.");
        }

        var query = request.QueryString.Value;
        if (query is { Length: > 1 } && query.Length - 1 > limits.MaxQueryLength)
        {
            return Problems.WriteAsync(context, StatusCodes.Status414UriTooLong, "URI too long",
                $"The query string is longer than {limits.MaxQueryLength} characters.");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limits.MaxRequestBodyBytes;
        }

        return next(context);
    }
}
