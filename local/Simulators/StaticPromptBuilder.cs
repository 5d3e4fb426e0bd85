using CallCenter.Core.Crm;
using CallCenter.Core.Prompts;
using CallCenter.Core.Tenants;

namespace CallCenter.Simulators;

/// <summary>
/// A fixed prompt for local runs and tests until core's prompt builder is registered: the tenant's name,
/// language and voice, the lead's name, and the built-in voice tools.
/// </summary>
public sealed class StaticPromptBuilder : IPromptBuilder
{
    public int Calls => _calls;

    private int _calls;

    public Task<AgentInstructions> BuildAsync(Tenant tenant, PromptChannel channel, Lead? lead, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _calls);
        var opening = channel == PromptChannel.VoiceOutbound
            ? "You placed this call: introduce yourself first."
            : "Greet the caller once.";
        var text = $"You answer the phone for {tenant.Name}. {opening} The caller is {lead?.Name ?? "unknown"}.";
        return Task.FromResult(new AgentInstructions(text, 1, AgentTools.Voice, tenant.Language, tenant.Voice));
    }
}
