using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CallCenter.Infra.Tests;

/// <summary>
/// One template in the compiled tree (main or a module) with the parameter values its parent passes, so a
/// property written as <c>[parameters('x')]</c> can be followed up to the literal or default behind it.
/// </summary>
internal sealed partial class TemplateScope
{
    private const int MaxDepth = 32;

    public TemplateScope(string name, JsonElement template, IReadOnlyDictionary<string, JsonElement> parameterValues, TemplateScope? parent)
    {
        Name = name;
        Template = template;
        ParameterValues = parameterValues;
        Parent = parent;
    }

    public string Name { get; }

    public JsonElement Template { get; }

    /// <summary>Values the parent deployment passes, written in the parent's terms.</summary>
    public IReadOnlyDictionary<string, JsonElement> ParameterValues { get; }

    public TemplateScope? Parent { get; }

    public IEnumerable<TemplateScope> SelfAndDescendants()
    {
        yield return this;
        foreach (var child in Children())
        {
            foreach (var scope in child.SelfAndDescendants())
            {
                yield return scope;
            }
        }
    }

    /// <summary>Declared resources; <c>existing</c> references are skipped. Handles both template layouts.</summary>
    public IEnumerable<ArmResource> Resources()
    {
        if (!Template.TryGetProperty("resources", out var resources))
        {
            yield break;
        }

        if (resources.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var r in resources.EnumerateArray())
            {
                yield return new ArmResource(this, $"#{i++}", r);
            }
        }
        else
        {
            foreach (var r in resources.EnumerateObject())
            {
                if (r.Value.TryGetProperty("existing", out var existing) && existing.ValueKind == JsonValueKind.True)
                {
                    continue;
                }

                yield return new ArmResource(this, r.Name, r.Value);
            }
        }
    }

    public IEnumerable<JsonProperty> Outputs() =>
        Template.TryGetProperty("outputs", out var outputs) ? outputs.EnumerateObject() : [];

    public IEnumerable<JsonProperty> Parameters() =>
        Template.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateObject() : [];

    public bool IsSecureParameter(string name) =>
        Parameters().Any(p => p.Name == name && p.Value.TryGetProperty("type", out var t)
            && t.GetString() is { } type && type.StartsWith("secure", StringComparison.OrdinalIgnoreCase));

    /// <summary>Names of the parameters declared secure (secureString, secureObject).</summary>
    public IReadOnlyList<string> SecureParameters() =>
        Parameters().Where(p => IsSecureParameter(p.Name)).Select(p => p.Name).ToList();

    /// <summary>
    /// Follows a value written as <c>[parameters('x')]</c> or <c>[variables('x').y]</c> through the modules
    /// to what it finally is: a literal, or an expression this resolver does not evaluate.
    /// </summary>
    public JsonElement Resolve(JsonElement value)
    {
        var scope = this;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                return value;
            }

            var text = value.GetString() ?? "";
            if (WholeParameter().Match(text) is { Success: true } p)
            {
                var name = p.Groups[1].Value;
                if (scope.ParameterValues.TryGetValue(name, out var passed))
                {
                    value = passed;
                    scope = scope.Parent ?? throw new InvalidOperationException($"{scope.Name} has values but no parent.");
                    continue;
                }

                value = scope.DefaultOf(name)
                    ?? throw new InvalidOperationException($"Parameter '{name}' of {scope.Name} has neither a value passed nor a default.");
                continue;
            }

            if (WholeVariable().Match(text) is { Success: true } v)
            {
                value = scope.Variable(v.Groups[1].Value, v.Groups[2].Value)
                    ?? throw new InvalidOperationException($"Variable '{v.Groups[1].Value}' of {scope.Name} is not declared.");
                continue;
            }

            return value;
        }

        throw new InvalidOperationException($"Resolving a value in {Name} went deeper than {MaxDepth} steps.");
    }

    /// <summary>What this template's parameter finally is: the value passed down to it, or its default.</summary>
    public JsonElement ResolveParameter(string name)
    {
        using var reference = JsonDocument.Parse(JsonSerializer.Serialize($"[parameters('{name}')]"));
        return Resolve(reference.RootElement.Clone());
    }

    /// <summary>
    /// The expression's text followed by the text of every variable and parameter (value passed or default)
    /// it refers to, recursively: what an expression can evaluate to is somewhere in the result.
    /// </summary>
    public string Expand(string expression)
    {
        var text = new StringBuilder();
        ExpandInto(expression, this, text, 0);
        return text.ToString();
    }

    private static void ExpandInto(string expression, TemplateScope scope, StringBuilder text, int depth)
    {
        text.Append(expression).Append('\n');
        if (depth >= MaxDepth)
        {
            return;
        }

        foreach (Match v in VariableReference().Matches(expression))
        {
            if (scope.Variable(v.Groups[1].Value, v.Groups[2].Value) is { } value)
            {
                ExpandInto(value.GetRawText(), scope, text, depth + 1);
            }
        }

        foreach (Match p in ParameterReference().Matches(expression))
        {
            var name = p.Groups[1].Value;
            if (scope.ParameterValues.TryGetValue(name, out var passed) && scope.Parent is { } parent)
            {
                ExpandInto(passed.GetRawText(), parent, text, depth + 1);
            }
            else if (scope.DefaultOf(name) is { } fallback)
            {
                ExpandInto(fallback.GetRawText(), scope, text, depth + 1);
            }
        }
    }

    private JsonElement? DefaultOf(string parameter) =>
        Parameters().FirstOrDefault(p => p.Name == parameter).Value is { ValueKind: JsonValueKind.Object } declaration
            && declaration.TryGetProperty("defaultValue", out var value)
            ? value
            : null;

    private JsonElement? Variable(string name, string memberPath)
    {
        if (!Template.TryGetProperty("variables", out var variables) || !variables.TryGetProperty(name, out var value))
        {
            return null;
        }

        foreach (var member in memberPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(member, out value))
            {
                return variables.GetProperty(name);
            }
        }

        return value;
    }

    private IEnumerable<TemplateScope> Children()
    {
        foreach (var resource in Resources())
        {
            if (!string.Equals(resource.Type, "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase)
                || resource.Properties.ValueKind != JsonValueKind.Object
                || !resource.Properties.TryGetProperty("template", out var template))
            {
                continue;
            }

            var values = new Dictionary<string, JsonElement>();
            if (resource.Properties.TryGetProperty("parameters", out var parameters))
            {
                foreach (var p in parameters.EnumerateObject())
                {
                    // Usually {"value": ...}; a conditional value compiles to one expression building that object.
                    if (p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("value", out var v))
                    {
                        values[p.Name] = v;
                    }
                    else if (p.Value.ValueKind == JsonValueKind.String)
                    {
                        values[p.Name] = p.Value;
                    }
                }
            }

            yield return new TemplateScope(resource.Name, template, values, this);
        }
    }

    [GeneratedRegex(@"^\[parameters\('([^']+)'\)\]$")]
    private static partial Regex WholeParameter();

    [GeneratedRegex(@"^\[variables\('([^']+)'\)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\]$")]
    private static partial Regex WholeVariable();

    [GeneratedRegex(@"parameters\('([^']+)'\)")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"variables\('([^']+)'\)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex VariableReference();
}
