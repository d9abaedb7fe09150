namespace Fleet.Api.OpenApi;

/// <summary>A response header an endpoint sets, for the OpenAPI document (<see cref="ResponsesOperationTransformer"/>).</summary>
public sealed record ResponseHeaderMetadata(int StatusCode, string Name, string Description, bool IsInteger = false);

public static class ResponseHeaderExtensions
{
    /// <summary>Documents a header the endpoint sets on responses with this status.</summary>
    public static TBuilder ProducesHeader<TBuilder>(this TBuilder builder, int statusCode, string name, string description, bool isInteger = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ResponseHeaderMetadata(statusCode, name, description, isInteger));
}
