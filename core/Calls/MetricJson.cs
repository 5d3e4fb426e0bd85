using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CallCenter.Core.Calls;

/// <summary>The JSON of a call's figures in its row (camelCase, as the API shows them).</summary>
internal static class MetricJson
{
    public static string? Write<T>(T? value)
        where T : class => value is null ? null : JsonSerializer.Serialize(value, Info<T>());

    public static T? Read<T>(string? json)
        where T : class => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, Info<T>());

    private static JsonTypeInfo<T> Info<T>() =>
        MetricJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new NotSupportedException($"{typeof(T).Name} is not listed in {nameof(MetricJsonContext)}.");
}
