using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace Fleet.Api.OpenApi;

/// <summary>
/// The answers every operation can give although its handler does not declare them, each rule in one place so a new
/// endpoint is documented too: 401/403 where a key is required (an anonymous operation gets <c>security: []</c>),
/// 404 where the path names a resource, 400 where there is input, 429 with <c>Retry-After</c> wherever the rate limit
/// applies, 503 with <c>Retry-After</c> everywhere (database unavailable), <c>ETag</c> where a conditional GET can answer 304, <c>Link</c> where a page has a next one, and the
/// headers declared with <see cref="ResponseHeaderExtensions.ProducesHeader"/>. Problems are
/// <c>application/problem+json</c>.
/// </summary>
internal sealed class ResponsesOperationTransformer : IOpenApiOperationTransformer
{
    private const string ProblemContentType = "application/problem+json";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var responses = operation.Responses ??= [];
        var document = context.Document!;

        var anonymous = metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any();
        if (anonymous)
        {
            operation.Security = [];
        }
        else
        {
            AddProblem(responses, StatusCodes.Status401Unauthorized, document, "No valid API key or session.");
            AddProblem(responses, StatusCodes.Status403Forbidden, document, "The key's role may not do this (admin operations).");
        }

        if (context.Description.RelativePath?.Contains('{', StringComparison.Ordinal) == true)
        {
            AddProblem(responses, StatusCodes.Status404NotFound, document, "Nothing with this id is known.");
        }

        if (operation.Parameters is { Count: > 0 } || operation.RequestBody is not null)
        {
            AddProblem(responses, StatusCodes.Status400BadRequest, document, "The input is not valid; `errors` says which field and why.");
        }

        if (!metadata.OfType<DisableRateLimitingAttribute>().Any())
        {
            var tooMany = AddProblem(responses, StatusCodes.Status429TooManyRequests, document, "Too many requests (see `Limits:*`); try again after `Retry-After` seconds.");
            AddHeader(tooMany, "Retry-After", "Seconds to wait before trying again.", integer: true);
        }

        // Every operation reads or writes the database (sessions included): an outage answers 503, never a 500 (Errors/).
        var unavailable = AddProblem(responses, StatusCodes.Status503ServiceUnavailable, document, "The database (or another service it needs) cannot be reached right now.");
        AddHeader(unavailable, "Retry-After", "Seconds to wait before trying again.", integer: true);

        if (responses.TryGetValue(StatusCodes.Status304NotModified.ToString(System.Globalization.CultureInfo.InvariantCulture), out var notModified))
        {
            const string etag = "The version of the answer; send it back in `If-None-Match` to get 304 while nothing changed.";
            AddHeader(notModified, "ETag", etag);
            AddHeader(Ok(responses), "ETag", etag);
            if (operation.Parameters?.Any(p => p.Name == "If-None-Match") != true)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-None-Match", In = ParameterLocation.Header, Description = "An `ETag` from an earlier answer.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        }

        if (operation.Parameters?.Any(p => p.Name == "after" && p.In == ParameterLocation.Query) == true)
        {
            AddHeader(Ok(responses), "Link", "`<…>; rel=\"next\"`: the next page, absent on the last one.");
        }

        foreach (var header in metadata.OfType<ResponseHeaderMetadata>())
        {
            AddHeader(responses.GetValueOrDefault(Status(header.StatusCode)), header.Name, header.Description, header.IsInteger);
        }

        return Task.CompletedTask;
    }

    private static IOpenApiResponse? Ok(OpenApiResponses responses) => responses.GetValueOrDefault(Status(StatusCodes.Status200OK));

    private static string Status(int code) => code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IOpenApiResponse AddProblem(OpenApiResponses responses, int code, OpenApiDocument document, string description)
    {
        if (!responses.TryGetValue(Status(code), out var response))
        {
            response = new OpenApiResponse
            {
                Description = $"{ReasonPhrases.GetReasonPhrase(code)}: {description}",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemContentType] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
                },
            };
            responses[Status(code)] = response;
        }

        return response;
    }

    private static void AddHeader(IOpenApiResponse? response, string name, string description, bool integer = false)
    {
        if (response is not OpenApiResponse target)
        {
            return;
        }

        target.Headers ??= new Dictionary<string, IOpenApiHeader>();
        target.Headers[name] = new OpenApiHeader
        {
            Description = description,
            Schema = new OpenApiSchema { Type = integer ? JsonSchemaType.Integer : JsonSchemaType.String },
        };
    }
}
