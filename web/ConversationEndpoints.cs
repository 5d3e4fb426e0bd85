using CallCenter.Core.Auth;
using CallCenter.Core.WhatsApp;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCenter.Web;

/// <summary>A tenant's WhatsApp conversations: list, and one with its messages.</summary>
public static class ConversationEndpoints
{
    private const string Listing = "conversations";

    private const int MaxMessages = 500;

    public static async Task<Results<CrmOk<CrmPage<ConversationView>>, BadRequestProblem>> ListAsync(TenantScope scope, WhatsAppStore store, ContinuationTokens tokens)
    {
        var (limit, continuation, pagingError) = CrmAccess.Paging(scope, tokens, Listing);
        if (pagingError is not null)
        {
            return pagingError;
        }

        var page = await store.ListConversationsAsync(scope.Tenant.Id, continuation, limit, scope.Aborted);
        return CrmAccess.Page(scope, tokens, Listing, page, ConversationView.Of);
    }

    public static async Task<Results<CrmOk<ConversationDetailView>, BadRequestProblem, NotFoundProblem>> GetAsync(TenantScope scope, string conversationId, WhatsAppStore store)
    {
        if (CrmAccess.BadIds(("conversationId", conversationId)) is { } bad)
        {
            return bad;
        }

        var valid = conversationId.Length is > 2 and <= 20 && conversationId.All(char.IsAsciiLetterOrDigit);
        var conversation = valid ? await store.GetConversationAsync(scope.Tenant.Id, conversationId, scope.Aborted) : null;
        if (conversation is null)
        {
            return new NotFoundProblem();
        }

        var messages = await store.ListMessagesAsync(scope.Tenant.Id, conversationId, MaxMessages, scope.Aborted);
        return new CrmOk<ConversationDetailView>(new ConversationDetailView(ConversationView.Of(conversation), [.. messages.Select(WhatsAppMessageView.Of)]));
    }
}
