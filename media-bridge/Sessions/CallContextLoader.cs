using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Prompts;
using CallCenter.Core.Tenants;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>Reads the tenant, the call's lead, the prompt and the tools: the call's only storage reads.</summary>
public sealed class CallContextLoader(
    TenantStore tenants, LeadStore leads, CallLogStore calls, IPromptBuilder prompts, IDeclaredTools declaredTools)
{
    public async Task<CallContext?> LoadAsync(StreamClaims claims, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(claims.TenantId, ct).ConfigureAwait(false);
        if (tenant is null)
        {
            return null;
        }

        var call = await calls.GetAsync(tenant.Id, claims.CallSid, ct).ConfigureAwait(false);
        Lead? lead = null;
        if (call?.LeadId is { } leadId)
        {
            lead = await leads.GetAsync(tenant.Id, leadId, ct).ConfigureAwait(false);
        }
        else if (call is not null)
        {
            var phone = claims.Direction == CallDirection.Inbound ? call.From : call.To;
            lead = await leads.FindByPhoneAsync(tenant.Id, phone, ct).ConfigureAwait(false);
        }

        var channel = claims.Direction == CallDirection.Inbound ? PromptChannel.VoiceInbound : PromptChannel.VoiceOutbound;
        var instructions = await prompts.BuildAsync(tenant, channel, lead, ct).ConfigureAwait(false);
        var declared = (await declaredTools.ListAsync(tenant.Id, ct).ConfigureAwait(false))
            .Where(t => t.Validate().Count == 0)
            .ToDictionary(t => t.Name, StringComparer.Ordinal);

        // The builder lists the tools it knows; built-ins and declared tools it left out are still offered.
        var modelTools = instructions.Tools.ToList();
        foreach (var tool in AgentTools.Voice.Concat(declared.Values.Select(d => d.ToAgentTool())))
        {
            if (!modelTools.Exists(t => t.Name == tool.Name))
            {
                modelTools.Add(tool);
            }
        }

        return new CallContext(claims, tenant, lead, instructions, modelTools, declared) { Call = call };
    }
}
