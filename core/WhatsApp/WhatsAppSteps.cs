using CallCenter.Core.Crm;
using CallCenter.Core.Faults;
using CallCenter.Core.Prompts;
using CallCenter.Core.Tenants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.WhatsApp;

/// <summary>The reply workflow's activities; each is safe to run again.</summary>
public sealed class WhatsAppSteps(
    WhatsAppStore store,
    TenantStore tenants,
    LeadStore leads,
    IPromptBuilder prompts,
    IWhatsAppReplyModel model,
    IWhatsAppSender sender,
    IOptions<WhatsAppOptions> options,
    TimeProvider time,
    ILogger<WhatsAppSteps> logger)
{
    public Task<IReadOnlyList<WhatsAppMessage>> LoadHistoryAsync(WhatsAppMessageRef message, CancellationToken ct = default) =>
        store.ListMessagesAsync(message.TenantId, message.ConversationId, options.Value.HistoryMessages, ct);

    /// <summary>Model requests of one reply that may still call tools; the next one must answer in text.</summary>
    public const int MaxToolRounds = 3;

    /// <summary>
    /// The same builder and channel inputs as the preview route: tenant, lead of the contact, WhatsApp; with the tool
    /// rounds run so far, and no more tools once <see cref="MaxToolRounds"/> rounds have run.
    /// </summary>
    public async Task<WhatsAppModelTurn> GenerateReplyAsync(WhatsAppReplyDraft draft, CancellationToken ct = default)
    {
        var message = draft.Message;
        var tenant = await tenants.GetAsync(message.TenantId, ct).ConfigureAwait(false)
            ?? throw new PermanentFailureException($"Tenant {message.TenantId} is gone.");
        var (lead, _) = await leads.GetOrCreateByPhoneAsync(tenant.Id, message.Phone, LeadSources.WhatsApp, ct: ct).ConfigureAwait(false);
        var instructions = await prompts.BuildAsync(tenant, PromptChannel.WhatsApp, lead, ct).ConfigureAwait(false);
        var rounds = draft.Rounds ?? [];
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var localNow = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        return await model.ReplyAsync(new WhatsAppModelRequest(instructions, draft.History, rounds, localNow, rounds.Count < MaxToolRounds), ct).ConfigureAwait(false);
    }

    /// <summary>Sends unless a reply to this message is stored already, then stores it with its provider id.</summary>
    public async Task<string> SendReplyAsync(WhatsAppReplyToSend reply, CancellationToken ct = default)
    {
        var message = reply.Message;
        if (await store.GetReplyAsync(message, ct).ConfigureAwait(false) is { ProviderMessageId: { } sentId })
        {
            return sentId;
        }

        var tenant = await tenants.GetAsync(message.TenantId, ct).ConfigureAwait(false)
            ?? throw new PermanentFailureException($"Tenant {message.TenantId} is gone.");
        var providerId = await sender.SendAsync(tenant, message.Provider, message.Phone, reply.Text, ct).ConfigureAwait(false);
        await store.AddReplyAsync(message, reply.Text, providerId, time.GetUtcNow(), ct).ConfigureAwait(false);
        WhatsAppTrace.ReplySent(logger, providerId, message.ConversationId, message.TenantId);
        return providerId;
    }
}
