using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fleet.Api.OpenApi;

/// <summary>
/// Makes every schema say what the wire carries, so generated clients (NSwag, Kiota, openapi-typescript) parse real
/// responses: a <c>format</c> such as <c>date-time</c> gets its <c>type: string</c> (the generator leaves it out), a
/// string enum gets <c>type: string</c>, and every property of a response type that the serializer always writes is
/// <c>required</c> (null then appears as null, it is never left out). Request bodies keep their optional fields
/// optional (<see cref="RequestBodyTypes"/>); a property with a <c>JsonIgnore(WhenWritingNull)</c> condition stays optional.
/// </summary>
internal sealed class WireSchemaTransformer(RequestBodyTypes requests) : IOpenApiSchemaTransformer
{
    /// <summary>Formats System.Text.Json writes as JSON strings.</summary>
    private static readonly HashSet<string> StringFormats = ["date-time", "date", "time", "duration", "uuid", "uri", "byte", "char"];

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var clrType = context.JsonTypeInfo.Type;
        if (schema.Format is { } format && StringFormats.Contains(format) && (schema.Type is null || schema.Type == JsonSchemaType.Null))
        {
            schema.Type = JsonSchemaType.String | (schema.Type ?? 0) | (Nullable.GetUnderlyingType(clrType) is null ? 0 : JsonSchemaType.Null);
        }

        if (schema.Type is null && schema.Enum is { Count: > 0 } values && values.All(v => v?.GetValueKind() == System.Text.Json.JsonValueKind.String))
        {
            schema.Type = JsonSchemaType.String;
        }

        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 }
            && !requests.Contains(clrType))
        {
            MarkAlwaysWritten(schema, context.JsonTypeInfo);
        }

        return Task.CompletedTask;
    }

    private static void MarkAlwaysWritten(OpenApiSchema schema, JsonTypeInfo type)
    {
        var ignoresNull = type.Options.DefaultIgnoreCondition != System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        foreach (var property in type.Properties)
        {
            // ShouldSerialize carries a [JsonIgnore(Condition = …)]: such a property may be missing from the wire.
            if (property.Get is null || property.ShouldSerialize is not null || ignoresNull || !schema.Properties!.ContainsKey(property.Name))
            {
                continue;
            }

            schema.Required ??= new HashSet<string>();
            schema.Required.Add(property.Name);
        }
    }
}
