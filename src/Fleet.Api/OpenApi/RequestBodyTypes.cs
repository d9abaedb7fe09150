using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Fleet.Api.OpenApi;

/// <summary>
/// The types that appear in request bodies (the body types the endpoints declare, and the types of their properties):
/// there an absent field means "not given", so <see cref="WireSchemaTransformer"/> must not mark it required.
/// </summary>
internal sealed class RequestBodyTypes(IApiDescriptionGroupCollectionProvider descriptions)
{
    private readonly Lazy<ConcurrentDictionary<Type, bool>> types = new(() => Collect(descriptions));

    public bool Contains(Type type) => types.Value.ContainsKey(type);

    private static ConcurrentDictionary<Type, bool> Collect(IApiDescriptionGroupCollectionProvider descriptions)
    {
        var found = new ConcurrentDictionary<Type, bool>();
        foreach (var description in descriptions.ApiDescriptionGroups.Items.SelectMany(g => g.Items))
        {
            foreach (var parameter in description.ParameterDescriptions.Where(p => p.Source == BindingSource.Body))
            {
                Add(parameter.Type, found);
            }
        }

        return found;
    }

    private static void Add(Type? type, ConcurrentDictionary<Type, bool> found)
    {
        if (type is null || type.IsPrimitive || type == typeof(string) || type == typeof(JsonNode) || !found.TryAdd(type, true))
        {
            return;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            Add(underlying, found);
        }

        var element = type.IsArray
            ? type.GetElementType()
            : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        if (element is not null)
        {
            Add(element, found);
            return;
        }

        foreach (var property in type.GetProperties())
        {
            Add(property.PropertyType, found);
        }
    }
}
