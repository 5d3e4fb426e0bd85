using System.Text.RegularExpressions;

namespace CallCenter.Core.Prompts;

/// <summary>A tool a tenant adds to its agent: a name, a description, a JSON schema and a declared effect.</summary>
public sealed partial record DeclaredTool(
    string Name,
    string Description,
    string ParametersJsonSchema,
    DeclaredToolEffect Effect,
    string? ReplyText = null)
{
    public AgentTool ToAgentTool() => new(Name, Description, ParametersJsonSchema);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!NamePattern().IsMatch(Name) || AgentTools.IsBuiltIn(Name))
        {
            errors.Add($"tool name '{Name}' must be 1-64 of [a-z0-9_] and not a built-in tool");
        }

        if (Effect == DeclaredToolEffect.Reply && string.IsNullOrWhiteSpace(ReplyText))
        {
            errors.Add($"tool '{Name}' replies, so it needs a reply text");
        }

        return errors;
    }

    [GeneratedRegex(@"^[a-z0-9_]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
