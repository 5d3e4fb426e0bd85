using System.Text.Json;
using System.Text.RegularExpressions;

namespace CallCenter.Fakes;

/// <summary>
/// What OpenAI's <c>POST /v1/chat/completions</c> refuses with a 400 before any model runs, as far as the product's
/// requests go: the function tools (name pattern, a JSON Schema object as parameters), <c>tool_choice</c> without
/// tools, and the tool-call round trip (a <c>tool</c> message must answer a call id of the assistant message before
/// it, and every call of an assistant message must be answered before the next message). Messages are OpenAI's own.
/// </summary>
public static partial class ChatRequestRules
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    /// <summary>The refusal the real service would answer, or null for a request it takes.</summary>
    public static ChatRequestError? Check(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new("We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.", null, null);
        }

        if (!body.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String)
        {
            return new("you must provide a model parameter", null, null);
        }

        if (!body.TryGetProperty("messages", out var messages))
        {
            return new("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }

        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            return new("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
        }

        return CheckTools(body, out var hasTools) ?? CheckToolChoice(body, hasTools) ?? CheckMessages(messages);
    }

    private static ChatRequestError? CheckTools(JsonElement body, out bool hasTools)
    {
        hasTools = false;
        if (!body.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (tools.ValueKind != JsonValueKind.Array)
        {
            return new($"Invalid type for 'tools': expected an array, but got {Kind(tools)} instead.", "tools", "invalid_type");
        }

        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = $"tools[{i}]";
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type))
            {
                return new($"Missing required parameter: '{at}.type'.", at + ".type", "missing_required_parameter");
            }

            if (type.ValueKind != JsonValueKind.String || type.GetString() != "function")
            {
                return new($"Invalid value: '{type}'. Supported values are: 'function' and 'custom'.", at + ".type", "invalid_value");
            }

            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                return new($"Missing required parameter: '{at}.function'.", at + ".function", "missing_required_parameter");
            }

            if (!function.TryGetProperty("name", out var nameValue) || nameValue.ValueKind != JsonValueKind.String)
            {
                return new($"Missing required parameter: '{at}.function.name'.", at + ".function.name", "missing_required_parameter");
            }

            var name = nameValue.GetString()!;
            if (name.Length > 64)
            {
                return new($"Invalid '{at}.function.name': string too long. Expected a string with maximum length 64, but got a string with length {name.Length} instead.", at + ".function.name", "string_above_max_length");
            }

            if (!FunctionName().IsMatch(name))
            {
                return new($"Invalid '{at}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", at + ".function.name", "invalid_value");
            }

            if (function.TryGetProperty("parameters", out var parameters) && CheckSchema(name, parameters) is { } schemaError)
            {
                return new(schemaError, at + ".function.parameters", "invalid_function_parameters");
            }

            i++;
        }

        hasTools = i > 0;
        return null;
    }

    // Parameters are a JSON Schema whose root is an object schema; properties an object, required an array.
    private static string? CheckSchema(string name, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return $"Invalid schema for function '{name}': {schema.GetRawText()} is not of type 'object', 'boolean'.";
        }

        var type = schema.TryGetProperty("type", out var t) ? t.ValueKind == JsonValueKind.String ? t.GetString() : t.GetRawText() : "None";
        if (type != "object")
        {
            return $"Invalid schema for function '{name}': schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{type}\"'.";
        }

        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind != JsonValueKind.Object)
        {
            return $"Invalid schema for function '{name}': {properties.GetRawText()} is not of type 'object'.";
        }

        if (schema.TryGetProperty("required", out var required)
            && (required.ValueKind != JsonValueKind.Array || required.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String)))
        {
            return $"Invalid schema for function '{name}': {required.GetRawText()} is not of type 'array'.";
        }

        return null;
    }

    private static ChatRequestError? CheckToolChoice(JsonElement body, bool hasTools)
    {
        if (!body.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (!hasTools)
        {
            return new("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", "tool_choice", null);
        }

        return choice.ValueKind == JsonValueKind.String && choice.GetString() is not ("none" or "auto" or "required")
            ? new($"Invalid value: '{choice.GetString()}'. Supported values are: 'none', 'auto', and 'required'.", "tool_choice", "invalid_value")
            : null;
    }

    private static ChatRequestError? CheckMessages(JsonElement messages)
    {
        // The call ids of the last assistant message with tool_calls not answered yet, and that message's index.
        HashSet<string>? open = null;
        var openAt = -1;
        for (var i = 0; i < messages.GetArrayLength(); i++)
        {
            var m = messages[i];
            var role = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (role is null)
            {
                return new($"Missing required parameter: 'messages.[{i}].role'.", $"messages.[{i}].role", "missing_required_parameter");
            }

            if (!Roles.Contains(role))
            {
                return new($"Invalid value: '{role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", $"messages.[{i}].role", "invalid_value");
            }

            if (role == "tool")
            {
                if (open is null)
                {
                    return new("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", $"messages.[{i}].role", null);
                }

                if (!m.TryGetProperty("tool_call_id", out var idValue) || idValue.ValueKind != JsonValueKind.String)
                {
                    return new($"Missing required parameter: 'messages.[{i}].tool_call_id'.", $"messages.[{i}].tool_call_id", "missing_required_parameter");
                }

                if (!open.Remove(idValue.GetString()!))
                {
                    return new($"Invalid parameter: 'tool_call_id' of '{idValue.GetString()}' not found in 'tool_calls' of previous message.", $"messages.[{i}].tool_call_id", null);
                }

                continue;
            }

            if (Unanswered(open, openAt) is { } unanswered)
            {
                return unanswered;
            }

            open = null;
            if (role == "assistant" && m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0)
            {
                open = [];
                openAt = i;
                for (var j = 0; j < calls.GetArrayLength(); j++)
                {
                    var call = calls[j];
                    var at = $"messages.[{i}].tool_calls.[{j}]";
                    if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
                    {
                        return new($"Missing required parameter: '{at}.id'.", at + ".id", "missing_required_parameter");
                    }

                    if (!call.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
                    {
                        return new($"Missing required parameter: '{at}.type'.", at + ".type", "missing_required_parameter");
                    }

                    if (!call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                        || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                        || !function.TryGetProperty("arguments", out var arguments) || arguments.ValueKind != JsonValueKind.String)
                    {
                        return new($"Missing required parameter: '{at}.function'.", at + ".function", "missing_required_parameter");
                    }

                    open.Add(id.GetString()!);
                }
            }
        }

        return Unanswered(open, openAt);
    }

    private static ChatRequestError? Unanswered(HashSet<string>? open, int at) => open is { Count: > 0 }
        ? new(
            "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. "
            + $"The following tool_call_ids did not have response messages: {string.Join(", ", open)}",
            $"messages.[{at}].role",
            null)
        : null;

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => e.ValueKind.ToString().ToLowerInvariant(),
    };

    [GeneratedRegex(@"^[a-zA-Z0-9_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionName();
}
