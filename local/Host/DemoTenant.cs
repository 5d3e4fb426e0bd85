using CallCenter.Core.Crm;
using CallCenter.Core.Prompts;
using CallCenter.Core.Tenants;

namespace CallCenter.Local.Host;

/// <summary>The tenant a local run shows: a plumbing business with one number, a prompt and one lead.</summary>
public static class DemoTenant
{
    public const string Id = "demo";
    public const string Number = "+15550001000";
    public const string LeadPhone = "+15555550100";

    /// <summary>What the agent leaves on an answering machine (the voicemail scenario); <c>{name}</c> is the lead's.</summary>
    public const string VoicemailMessage = "Hi {name}, this is Demo Plumbing returning your call. Please call us back when it suits you. Goodbye!";

    /// <summary>Idempotent: a second run finds everything as the first left it.</summary>
    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var tenants = services.GetRequiredService<TenantStore>();
        if (await tenants.GetAsync(Id, ct) is null)
        {
            await tenants.SaveAsync(new Tenant { Id = Id, Name = "Demo Plumbing", VoiceNumbers = [Number], Language = "en-US", Voice = "alloy", VoicemailMessage = VoicemailMessage }, ct);
        }

        var prompts = services.GetRequiredService<PromptStore>();
        foreach (var channel in new[] { PromptChannel.VoiceInbound, PromptChannel.VoiceOutbound, PromptChannel.WhatsApp })
        {
            if (await prompts.GetPointerAsync(Id, channel, ct) is null)
            {
                await prompts.AddVersionAsync(Id, channel,
                    "You are the friendly receptionist of Demo Plumbing. Find out what the caller needs, offer a visit, and keep answers short.",
                    "Open Monday to Friday, 8:00-18:00. Emergency call-outs 24/7. Service area: Springfield.",
                    ct);
            }
        }

        var (lead, _) = await services.GetRequiredService<LeadStore>().GetOrCreateByPhoneAsync(Id, LeadPhone, LeadSources.Api, "Dana", ct);
        _ = lead;
        await DemoCalls.SeedAsync(services, Id, Number, ct);
    }
}
