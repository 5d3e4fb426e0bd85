using System.Text.Json;

namespace CallCenter.Core.Calls;

/// <summary>The JSON of a call's figures in its row (camelCase, as the API shows them).</summary>
internal static class MetricJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string? Write<T>(T? value)
        where T : class => value is null ? null : JsonSerializer.Serialize(value, Options);

    public static T? Read<T>(string? json)
        where T : class => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<T>(json, Options);
}
