using System.Text.Json;
using CallCenter.Core.Calls;

namespace CallCenter.Core.OpenAi;

/// <summary>
/// Reads the <c>usage</c> of an OpenAI answer: tokens (<c>input_tokens</c>/<c>output_tokens</c>, or chat's
/// <c>prompt_tokens</c>/<c>completion_tokens</c>) or, for a model billed by duration, <c>seconds</c>. An answer
/// without usage, or with one of another shape, gives null: usage is reported, never required.
/// </summary>
public static class OpenAiUsage
{
    public static ModelUsage? Read(string model, BinaryData? body)
    {
        if (body is null)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("usage", out var usage)
                ? Read(model, usage)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static ModelUsage? Read(string model, JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (Number(usage, "seconds") is { } seconds)
        {
            return new ModelUsage(model, 0, 0, seconds);
        }

        var input = Number(usage, "input_tokens") ?? Number(usage, "prompt_tokens");
        var output = Number(usage, "output_tokens") ?? Number(usage, "completion_tokens");
        return input is null && output is null ? null : new ModelUsage(model, (long)(input ?? 0), (long)(output ?? 0));
    }

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
