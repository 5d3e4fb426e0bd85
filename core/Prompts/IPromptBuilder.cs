using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Prompts;

/// <summary>
/// The one prompt builder: voice, WhatsApp and the preview route all call it, so the same tenant, lead and
/// channel always get the same instructions.
/// </summary>
public interface IPromptBuilder
{
    Task<AgentInstructions> BuildAsync(Tenant tenant, PromptChannel channel, Lead? lead, CancellationToken ct = default);
}
