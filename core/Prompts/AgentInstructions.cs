using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Prompts;

/// <summary>The conversations an agent prompt is written for.</summary>
public enum PromptChannel
{
    VoiceInbound,
    VoiceOutbound,
    WhatsApp,
}

/// <summary>A function the model may call; <see cref="ParametersJsonSchema"/> is a JSON Schema object.</summary>
public sealed record AgentTool(string Name, string Description, string ParametersJsonSchema);

/// <summary>Everything a call or message needs to brief the model, built once per call or message.</summary>
public sealed record AgentInstructions(
    string Text,
    int PromptVersion,
    IReadOnlyList<AgentTool> Tools,
    string Language,
    string Voice);

/// <summary>
/// The one prompt builder: voice, WhatsApp and the preview route all call it, so the same tenant, lead and
/// channel always get the same instructions.
/// </summary>
public interface IPromptBuilder
{
    Task<AgentInstructions> BuildAsync(Tenant tenant, PromptChannel channel, Lead? lead, CancellationToken ct = default);
}
