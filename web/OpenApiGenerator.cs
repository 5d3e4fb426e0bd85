using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.WebUtilities;

namespace CallCenter.Web;

/// <summary>
/// The OpenAPI 3.1 document of a route table, derived from the handlers' types the way ASP.NET Core reads them:
/// a parameter or return type that describes itself (<see cref="IEndpointParameterMetadataProvider"/>,
/// <see cref="IEndpointMetadataProvider"/>) names the request body and each status it can answer. Schemas are
/// the JSON Schemas of those types as <see cref="CrmAccess.Json"/> writes them. 3.1, because its schemas are
/// JSON Schema (a nullable field is <c>"type": ["string", "null"]</c>).
/// </summary>
public static partial class OpenApiGenerator
{
    private static readonly JsonSchemaExporterOptions SchemaOptions = new() { TreatNullObliviousAsNonNullable = true };

    public static JsonObject Document(IEnumerable<ApiRoute> routes)
    {
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var paths = new JsonObject();
        foreach (var group in routes.GroupBy(r => r.Path))
        {
            var item = new JsonObject();
            foreach (var route in group)
            {
                item[route.Method.ToLowerInvariant()] = Operation(route, Metadata(route.Handler, route.Path), schemas);
            }

            paths[group.Key] = item;
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = "CallCenter API", ["version"] = "1" },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-Api-Key" },
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" },
                },
                ["schemas"] = new JsonObject(schemas.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
            },
        };
    }

    /// <summary>The metadata ASP.NET Core gathers from a handler's parameter and return types.</summary>
    public static IReadOnlyList<object> Metadata(Delegate handler, string path)
    {
        var builder = new RouteEndpointBuilder(_ => Task.CompletedTask, RoutePatternFactory.Parse(path), 0);
        var method = handler.Method;
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType.IsAssignableTo(typeof(IEndpointParameterMetadataProvider)))
            {
                Call(nameof(PopulateParameter), parameter.ParameterType, parameter, builder);
            }
        }

        var returned = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() is var open && (open == typeof(Task<>) || open == typeof(ValueTask<>))
            ? method.ReturnType.GetGenericArguments()[0]
            : method.ReturnType;
        if (returned.IsAssignableTo(typeof(IEndpointMetadataProvider)))
        {
            Call(nameof(Populate), returned, method, builder);
        }

        return [.. builder.Metadata];
    }

    private static JsonObject Operation(ApiRoute route, IReadOnlyList<object> metadata, IDictionary<string, JsonNode> schemas)
    {
        var parameters = new JsonArray();
        foreach (Match m in PathParameter().Matches(route.Path))
        {
            parameters.Add(new JsonObject { ["name"] = m.Groups[1].Value, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        var operation = new JsonObject { ["operationId"] = route.Name, ["summary"] = route.Summary, ["parameters"] = parameters };
        if (metadata.OfType<RequestBodyMetadata>().FirstOrDefault() is { } body)
        {
            operation["requestBody"] = new JsonObject { ["required"] = !body.IsOptional, ["content"] = Content(["application/json"], body.Type, schemas) };
        }

        var responses = new JsonObject();
        foreach (var produced in metadata.OfType<IProducesResponseTypeMetadata>().GroupBy(p => p.StatusCode).OrderBy(g => g.Key))
        {
            var first = produced.First();
            var response = new JsonObject { ["description"] = ReasonPhrases.GetReasonPhrase(produced.Key) };
            if (first.Type is { } type && type != typeof(void))
            {
                response["content"] = Content(first.ContentTypes, type, schemas);
            }

            responses[produced.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }

        if (responses.Count == 0)
        {
            // Webhooks answer in their provider's terms (TwiML, plain text); their handlers are not typed.
            responses["default"] = new JsonObject { ["description"] = "As the caller's protocol expects" };
        }

        operation["responses"] = responses;
        if (route.Auth is "admin" or "tenant")
        {
            operation["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }, new JsonObject { ["bearer"] = new JsonArray() });
        }

        return operation;
    }

    private static JsonObject Content(IEnumerable<string> contentTypes, Type type, IDictionary<string, JsonNode> schemas)
    {
        var name = SchemaName(type);
        if (!schemas.ContainsKey(name))
        {
            schemas[name] = JsonSchemaExporter.GetJsonSchemaAsNode(CrmAccess.Json, type, SchemaOptions);
        }

        var content = new JsonObject();
        foreach (var contentType in contentTypes)
        {
            content[contentType] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + name } };
        }

        return content;
    }

    /// <summary>The type's name; a generic one is named after its arguments too (<c>CrmPageOfLeadView</c>).</summary>
    public static string SchemaName(Type type) =>
        type.IsGenericType ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "Of" + string.Concat(type.GetGenericArguments().Select(SchemaName)) : type.Name;

    private static void Call(string name, Type type, params object[] arguments) =>
        typeof(OpenApiGenerator).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type).Invoke(null, arguments);

    // The interfaces' static members are reached through constrained type parameters (Results<,> implements them explicitly).
    private static void Populate<T>(MethodInfo method, EndpointBuilder builder) where T : IEndpointMetadataProvider => T.PopulateMetadata(method, builder);

    private static void PopulateParameter<T>(ParameterInfo parameter, EndpointBuilder builder) where T : IEndpointParameterMetadataProvider => T.PopulateMetadata(parameter, builder);

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex PathParameter();
}
