using CallCenter.Core.WhatsApp;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

/// <summary>A tenant's WhatsApp conversations: list, and one with its messages.</summary>
public static class ConversationEndpoints
{
    private const string Listing = "conversations";

    private const int MaxMessages = 500;

    public static async Task<IResult> ListAsync(HttpRequest request, string tenantId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        var (limit, continuation, pagingError) = CrmAccess.Paging(request, tenant.Id, Listing);
        if (pagingError is not null)
        {
            return pagingError;
        }

        var store = request.Service<WhatsAppStore>();
        return await CrmAccess.PageAsync(request, tenant.Id, Listing, () => store.ListConversationsAsync(tenant.Id, continuation, limit, request.Aborted()), Shape);
    }

    public static async Task<IResult> GetAsync(HttpRequest request, string tenantId, string conversationId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        if (CrmAccess.BadIds(("conversationId", conversationId)) is { } bad)
        {
            return bad;
        }

        var store = request.Service<WhatsAppStore>();
        var valid = conversationId.Length is > 2 and <= 20 && conversationId.All(char.IsAsciiLetterOrDigit);
        var conversation = valid ? await store.GetConversationAsync(tenant.Id, conversationId, request.Aborted()) : null;
        if (conversation is null)
        {
            return CrmAccess.NotFound();
        }

        var messages = await store.ListMessagesAsync(tenant.Id, conversationId, MaxMessages, request.Aborted());
        return CrmAccess.Ok(new
        {
            conversation = Shape(conversation),
            messages = messages.Select(m => new
            {
                id = m.Id,
                direction = m.Direction.ToString().ToLowerInvariant(),
                text = m.Text,
                providerMessageId = m.ProviderMessageId,
                status = m.Status.ToString().ToLowerInvariant(),
                at = m.At,
            }).ToList(),
        });
    }

    private static object Shape(WhatsAppConversation c) => new
    {
        id = c.Id,
        phone = c.Phone,
        contactName = c.ContactName,
        provider = c.Provider.ToString().ToLowerInvariant(),
        createdAt = c.CreatedAt,
        lastMessageAt = c.LastMessageAt,
    };
}
