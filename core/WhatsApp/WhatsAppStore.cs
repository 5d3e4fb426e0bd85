using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.WhatsApp;

/// <summary>
/// WhatsApp conversations and messages in the tenant's partition:
/// <c>c|{conversation}</c> the conversation; <c>m|{conversation}|{ticks}|i|{key}</c> an inbound message and
/// <c>m|…|o|{key}</c> its reply, which sorts right after it; <c>i|{key}</c> dedupes inbound provider ids
/// (written with the message in one transaction); <c>o|{key}</c> finds a reply by its provider id for status
/// webhooks. Keys are hashes of provider ids, whose characters row keys may not allow.
/// </summary>
public sealed class WhatsAppStore(CallCenterTables tables)
{
    private TableClient Table => tables.WhatsApp;

    public static string ConversationId(string phone) => "wa" + phone.TrimStart('+');

    /// <summary>
    /// Stores a message unless its provider id was stored before. Either way answers the stored message, and
    /// whether this call stored it.
    /// </summary>
    public async Task<(WhatsAppMessageRef Message, bool Created)> AddInboundAsync(InboundWhatsApp message, DateTimeOffset receivedAt, CancellationToken ct = default)
    {
        var conversationId = ConversationId(message.From);
        var key = Key(message.ProviderMessageId);
        if (await FindInboundAsync(message, key, ct).ConfigureAwait(false) is { } stored)
        {
            return (stored, false);
        }

        var row = $"m|{conversationId}|{receivedAt.UtcTicks:D19}|i|{key}";
        try
        {
            await Table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(message.TenantId, "i|" + key)
                    {
                        ["MessageRow"] = row,
                        ["ConversationId"] = conversationId,
                    }),
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(message.TenantId, row)
                    {
                        ["Direction"] = nameof(MessageDirection.Inbound),
                        ["Text"] = message.Text,
                        ["ProviderMessageId"] = message.ProviderMessageId,
                        ["Status"] = nameof(DeliveryStatus.Received),
                        ["At"] = message.SentAt,
                    }),
                    // The conversation row is merged so its creation time survives; last activity moves forward.
                    new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(message.TenantId, "c|" + conversationId)
                    {
                        ["Phone"] = message.From,
                        ["Provider"] = message.Provider.ToString(),
                        ["LastMessageAt"] = receivedAt,
                    }),
                ],
                ct).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // A concurrent delivery of the same message won.
            return (await FindInboundAsync(message, key, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException("A stored message vanished."), false);
        }

        await SetConversationDetailsAsync(message.TenantId, conversationId, message.ContactName, receivedAt, ct).ConfigureAwait(false);
        return (new WhatsAppMessageRef(message.TenantId, conversationId, row, message.Provider, message.From), true);
    }

    private async Task<WhatsAppMessageRef?> FindInboundAsync(InboundWhatsApp message, string key, CancellationToken ct)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(message.TenantId, "i|" + key, cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue && found.Value is { } e && e.GetString("MessageRow") is { } row && e.GetString("ConversationId") is { } conversationId
            ? new WhatsAppMessageRef(message.TenantId, conversationId, row, message.Provider, message.From)
            : null;
    }

    /// <summary>The message rows of a conversation, oldest first.</summary>
    public async Task<IReadOnlyList<WhatsAppMessage>> ListMessagesAsync(string tenantId, string conversationId, int max, CancellationToken ct = default)
    {
        var result = new List<WhatsAppMessage>();
        await foreach (var e in Table.QueryAsync<TableEntity>(TableFilters.Prefix(tenantId, $"m|{conversationId}|"), cancellationToken: ct).ConfigureAwait(false))
        {
            result.Add(ToMessage(e));
        }

        return result.Count > max ? result[^max..] : result;
    }

    public async Task<WhatsAppConversation?> GetConversationAsync(string tenantId, string conversationId, CancellationToken ct = default)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, "c|" + conversationId, cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue && found.Value is { } e ? ToConversation(e) : null;
    }

    public Task<Storage.Page<WhatsAppConversation>> ListConversationsAsync(string tenantId, string? continuation, int limit, CancellationToken ct = default) =>
        Pages.ReadAsync(
            Table,
            TableFilters.Prefix(tenantId, "c|"),
            continuation,
            limit,
            ToConversation,
            ct);

    /// <summary>The stored reply to an inbound message, if it was sent already.</summary>
    public async Task<WhatsAppMessage?> GetReplyAsync(WhatsAppMessageRef inbound, CancellationToken ct = default)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(inbound.TenantId, ReplyRow(inbound), cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue && found.Value is { } e ? ToMessage(e) : null;
    }

    /// <summary>Stores a sent reply and the index its status webhooks find it by; a repeat changes nothing.</summary>
    public async Task AddReplyAsync(WhatsAppMessageRef inbound, string text, string providerMessageId, DateTimeOffset at, CancellationToken ct = default)
    {
        var row = ReplyRow(inbound);
        try
        {
            await Table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(inbound.TenantId, row)
                    {
                        ["Direction"] = nameof(MessageDirection.Outbound),
                        ["Text"] = text,
                        ["ProviderMessageId"] = providerMessageId,
                        ["Status"] = nameof(DeliveryStatus.Sent),
                        ["At"] = at,
                    }),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(inbound.TenantId, "o|" + Key(providerMessageId))
                    {
                        ["MessageRow"] = row,
                    }),
                    new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(inbound.TenantId, "c|" + inbound.ConversationId)
                    {
                        ["LastMessageAt"] = at,
                    }),
                ],
                ct).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // Stored by an earlier attempt of the same step.
        }
    }

    /// <summary>Moves a sent reply's status forward; false when no reply has this provider id.</summary>
    public async Task<bool> UpdateStatusAsync(string tenantId, string providerMessageId, DeliveryStatus status, CancellationToken ct = default)
    {
        var index = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, "o|" + Key(providerMessageId), cancellationToken: ct).ConfigureAwait(false);
        if (!index.HasValue || index.Value?.GetString("MessageRow") is not { } row)
        {
            return false;
        }

        var updated = await OptimisticUpdate.RunAsync(
            Table,
            tenantId,
            row,
            e => e,
            e =>
            {
                var current = Enum.TryParse<DeliveryStatus>(e.GetString("Status"), out var s) ? s : DeliveryStatus.Sent;
                var next = DeliveryStatuses.Advance(current, status);
                if (next == current)
                {
                    return null;
                }

                // The update replaces the row: copy what the status change does not touch.
                var copy = new TableEntity(e.PartitionKey, e.RowKey);
                foreach (var (k, v) in e.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")))
                {
                    copy[k] = v;
                }

                copy["Status"] = next.ToString();
                return copy;
            },
            e => e,
            ct).ConfigureAwait(false);
        return updated is not null;
    }

    private async Task SetConversationDetailsAsync(string tenantId, string conversationId, string? contactName, DateTimeOffset at, CancellationToken ct)
    {
        var current = await Table.GetEntityAsync<TableEntity>(tenantId, "c|" + conversationId, cancellationToken: ct).ConfigureAwait(false);
        if (current.Value.GetDateTimeOffset("CreatedAt") is not null && (contactName is null || current.Value.GetString("ContactName") == contactName))
        {
            return;
        }

        var patch = new TableEntity(tenantId, "c|" + conversationId) { ["CreatedAt"] = current.Value.GetDateTimeOffset("CreatedAt") ?? at };
        if (contactName is not null)
        {
            patch["ContactName"] = contactName;
        }

        try
        {
            await Table.UpdateEntityAsync(patch, current.Value.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // A concurrent message set them first; either value is right.
        }
    }

    private static string ReplyRow(WhatsAppMessageRef inbound) => inbound.MessageRow.Replace("|i|", "|o|", StringComparison.Ordinal);

    private static string Key(string providerMessageId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(providerMessageId)))[..40];

    private static WhatsAppMessage ToMessage(TableEntity e) => new(
        e.RowKey[(e.RowKey.LastIndexOf('|') + 1)..],
        Enum.TryParse<MessageDirection>(e.GetString("Direction"), out var d) ? d : MessageDirection.Inbound,
        e.GetString("Text") ?? "",
        e.GetString("ProviderMessageId"),
        Enum.TryParse<DeliveryStatus>(e.GetString("Status"), out var s) ? s : DeliveryStatus.Received,
        e.GetDateTimeOffset("At") ?? default);

    private static WhatsAppConversation ToConversation(TableEntity e) => new(
        e.PartitionKey,
        e.RowKey[2..],
        e.GetString("Phone") ?? "",
        e.GetString("ContactName"),
        Enum.TryParse<WhatsAppProvider>(e.GetString("Provider"), out var p) ? p : WhatsAppProvider.Meta,
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("LastMessageAt") ?? default);
}
