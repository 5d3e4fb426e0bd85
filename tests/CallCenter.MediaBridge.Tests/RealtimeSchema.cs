using System.Text.Json;
using System.Text.Json.Nodes;
using CallCenter.Simulators;
using Json.Schema;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// OpenAI's published schemas of the Realtime client and server events (vendored in OpenAiSchema/), closed
/// against unknown fields: checks one event by its <c>type</c>. An event type the schema does not know is a
/// violation too.
/// </summary>
public sealed class RealtimeSchema
{
    private const string BaseUri = "https://callcenter.invalid/openai-realtime-events";

    private static readonly Lazy<RealtimeSchema> Loaded = new(() => new RealtimeSchema(Path.Combine(AppContext.BaseDirectory, "OpenAiSchema", "realtime-events.json")));

    private readonly Dictionary<string, JsonSchema> _client = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonSchema> _server = new(StringComparer.Ordinal);

    private RealtimeSchema(string path)
    {
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        var schemas = document["components"]!["schemas"]!.AsObject();
        var defs = JsonNode.Parse(schemas.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!.AsObject();
        foreach (var (_, schema) in defs)
        {
            Close(schema);
        }

        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = BaseUri,
            ["$defs"] = defs,
        };
        DocumentedVoices = [.. defs["VoiceIdsShared"]!["anyOf"]!.AsArray()
            .Select(b => b?["enum"]).OfType<JsonArray>().SelectMany(e => e.Select(v => (string)v!))];
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema.FromText(root.ToJsonString(), options);
        foreach (var (name, schema) in defs)
        {
            var isClient = name.StartsWith("RealtimeClientEvent", StringComparison.Ordinal);
            if ((isClient || name.StartsWith("RealtimeServerEvent", StringComparison.Ordinal)) && schema?["properties"]?["type"]?["enum"]?[0] is { } type)
            {
                var single = JsonSchema.FromText($$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"{{BaseUri}}#/$defs/{{name}}"}""", options);
                (isClient ? _client : _server)[(string)type!] = single;
            }
        }
    }

    public static RealtimeSchema Instance => Loaded.Value;

    /// <summary>The built-in voices the schema names (<c>VoiceIdsShared</c>).</summary>
    public IReadOnlyList<string> DocumentedVoices { get; }

    /// <summary>Null when the event is valid; otherwise what is wrong, with the event.</summary>
    public string? Check(RealtimeDirection direction, ReadOnlyMemory<byte> message)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(message);
        }
        catch (JsonException e)
        {
            return $"{direction}: not JSON ({e.Message})";
        }

        using var _ = doc;
        var root = doc.RootElement;
        var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var schemas = direction == RealtimeDirection.ClientToServer ? _client : _server;
        if (type is null || !schemas.TryGetValue(type, out var schema))
        {
            return $"{direction}: event type '{type}' is not in OpenAI's schema: {Excerpt(root)}";
        }

        var result = schema.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}"))
            .Distinct()
            .Take(8);
        return $"{direction}: {type} does not match OpenAI's schema: {string.Join("; ", errors)} in {Excerpt(root)}";
    }

    /// <summary>Closes every object schema that lists its properties and says nothing of others.</summary>
    private static void Close(JsonNode? schema)
    {
        if (schema is not JsonObject o)
        {
            return;
        }

        if (o["properties"] is JsonObject properties)
        {
            if (!o.ContainsKey("additionalProperties"))
            {
                o["additionalProperties"] = false;
            }

            foreach (var (_, p) in properties)
            {
                Close(p);
            }
        }

        foreach (var key in new[] { "items", "additionalProperties", "not" })
        {
            Close(o[key]);
        }

        foreach (var key in new[] { "anyOf", "oneOf", "allOf", "prefixItems" })
        {
            if (o[key] is JsonArray branches)
            {
                foreach (var b in branches)
                {
                    Close(b);
                }
            }
        }
    }

    private static string Excerpt(JsonElement root)
    {
        var text = root.GetRawText();
        return text.Length > 400 ? text[..400] + "…" : text;
    }
}
