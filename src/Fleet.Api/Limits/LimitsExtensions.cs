using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Limits;

/// <summary>
/// Request limits: 413/414 for oversized requests, a per-key (or per-address) request rate answering 429 with
/// Retry-After, and per-address and per-presented-key allowances for wrong keys.
/// </summary>
public static class LimitsExtensions
{
    public static IHostApplicationBuilder AddFleetLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>()
            .BindConfiguration(LimitsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<FailedAuthentications>();
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<LimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);

        builder.Services.AddRateLimiter(o =>
        {
            // The framework's default is 503, which tells clients and proxies the server is broken.
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                TimeSpan? retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                return new ValueTask(Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    RateLimitIdentity.IsKey(RateLimitIdentity.PartitionOf(context.HttpContext))
                        ? "This API key has used up its requests for this minute."
                        : "This address has used up its requests without an API key for this minute.",
                    retryAfter));
            };
        });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitsOptions>>((o, limits) =>
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var partition = RateLimitIdentity.PartitionOf(context);
                var permits = RateLimitIdentity.IsKey(partition) ? limits.Value.PerKeyPerMinute : limits.Value.PerAddressPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            }));
        return builder;
    }

    /// <summary>
    /// Before anything reads the request: size limits. (Wrong keys are limited where they are found wrong, in the key
    /// handler and the sign-in endpoint, so a valid key is never refused for someone else's failures.)
    /// </summary>
    public static WebApplication UseFleetRequestLimits(this WebApplication app)
    {
        app.UseMiddleware<RequestSizeLimits>();
        return app;
    }

    /// <summary>After authentication (the partition is the key's name): the request rate.</summary>
    public static WebApplication UseFleetRateLimits(this WebApplication app)
    {
        app.Use(RateLimitIdentity.ResolveAsync);
        app.UseRateLimiter();
        return app;
    }
}
