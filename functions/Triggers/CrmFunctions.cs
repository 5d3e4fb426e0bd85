using CallCenter.Core.Auth;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Prompts;
using CallCenter.Core.Tenants;
using CallCenter.Core.WhatsApp;
using CallCenter.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CallCenter.Functions.Triggers;

/// <summary>
/// The CRM API: one line per route, as <see cref="ApiRoutes.All"/> binds it for the local host: the scope checks the
/// key and finds the tenant, then the shared endpoint gets its body reader and services.
/// </summary>
public static class CrmFunctions
{
    private const AuthorizationLevel Anonymous = AuthorizationLevel.Anonymous;

    [Function("OpenApi")]
    public static IActionResult OpenApi([HttpTrigger(Anonymous, "get", Route = "openapi.json")] HttpRequest r) => new ResultAction(ApiRoutes.OpenApi());

    [Function("CreateTenant")]
    public static Task<IActionResult> CreateTenant([HttpTrigger(Anonymous, "post", Route = "tenants")] HttpRequest r) => AdminScope.RunAsync(r, a => TenantEndpoints.CreateAsync(a, new(r), r.Service<TenantStore>())).AsAction();

    [Function("ListTenants")]
    public static Task<IActionResult> ListTenants([HttpTrigger(Anonymous, "get", Route = "tenants")] HttpRequest r) => AdminScope.RunAsync(r, a => TenantEndpoints.ListAsync(a, r.Service<TenantStore>())).AsAction();

    [Function("GetTenant")]
    public static Task<IActionResult> GetTenant([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}")] HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, TenantEndpoints.GetAsync).AsAction();

    [Function("PutTenant")]
    public static Task<IActionResult> PutTenant([HttpTrigger(Anonymous, "put", Route = "tenants/{tenantId}")] HttpRequest r, string tenantId) => AdminScope.RunOnTenantAsync(r, tenantId, a => TenantEndpoints.PutAsync(a, tenantId, new(r), r.Service<TenantStore>())).AsAction();

    [Function("CreateApiKey")]
    public static Task<IActionResult> CreateApiKey([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/keys")] HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, t => TenantEndpoints.CreateKeyAsync(t, new(r), r.Service<ApiKeyService>())).AsAction();

    [Function("ListApiKeys")]
    public static Task<IActionResult> ListApiKeys([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/keys")] HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, t => TenantEndpoints.ListKeysAsync(t, r.Service<ApiKeyService>())).AsAction();

    [Function("RevokeApiKey")]
    public static Task<IActionResult> RevokeApiKey([HttpTrigger(Anonymous, "delete", Route = "tenants/{tenantId}/keys/{keyId}")] HttpRequest r, string tenantId, string keyId) => TenantScope.RunAsync(r, tenantId, t => TenantEndpoints.RevokeKeyAsync(t, keyId, r.Service<ApiKeyService>())).AsAction();

    [Function("CreateLead")]
    public static Task<IActionResult> CreateLead([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/leads")] HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, t => LeadEndpoints.CreateAsync(t, new(r), r.Service<LeadStore>())).AsAction();

    [Function("ListLeads")]
    public static Task<IActionResult> ListLeads([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/leads")] HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, t => LeadEndpoints.ListAsync(t, r.Service<LeadStore>(), r.Service<ContinuationTokens>())).AsAction();

    [Function("GetLead")]
    public static Task<IActionResult> GetLead([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/leads/{leadId}")] HttpRequest r, string tenantId, string leadId) => TenantScope.RunAsync(r, tenantId, t => LeadEndpoints.GetAsync(t, leadId, r.Service<LeadStore>())).AsAction();

    [Function("PatchLead")]
    public static Task<IActionResult> PatchLead([HttpTrigger(Anonymous, "patch", Route = "tenants/{tenantId}/leads/{leadId}")] HttpRequest r, string tenantId, string leadId) => TenantScope.RunAsync(r, tenantId, t => LeadEndpoints.PatchAsync(t, leadId, new(r), r.Service<LeadStore>())).AsAction();

    [Function("ListCalls")]
    public static Task<IActionResult> ListCalls([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/calls")] HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, t => CallEndpoints.ListAsync(t, r.Service<CallLogStore>(), r.Service<ContinuationTokens>())).AsAction();

    [Function("GetCall")]
    public static Task<IActionResult> GetCall([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/calls/{callId}")] HttpRequest r, string tenantId, string callId) => TenantScope.RunAsync(r, tenantId, t => CallEndpoints.GetAsync(t, callId, r.Service<CallLogStore>(), r.Service<TurnStore>())).AsAction();

    [Function("GetPrompt")]
    public static Task<IActionResult> GetPrompt([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/prompts/{channel}")] HttpRequest r, string tenantId, string channel) => TenantScope.RunAsync(r, tenantId, t => PromptEndpoints.GetAsync(t, channel, r.Service<PromptStore>())).AsAction();

    [Function("PutPrompt")]
    public static Task<IActionResult> PutPrompt([HttpTrigger(Anonymous, "put", Route = "tenants/{tenantId}/prompts/{channel}")] HttpRequest r, string tenantId, string channel) => TenantScope.RunAsync(r, tenantId, t => PromptEndpoints.PutAsync(t, channel, new(r), r.Service<PromptStore>())).AsAction();

    [Function("GetPromptVersion")]
    public static Task<IActionResult> GetPromptVersion([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/prompts/{channel}/versions/{version}")] HttpRequest r, string tenantId, string channel, string version) => TenantScope.RunAsync(r, tenantId, t => PromptEndpoints.GetVersionAsync(t, channel, version, r.Service<PromptStore>())).AsAction();

    [Function("ActivatePromptVersion")]
    public static Task<IActionResult> ActivatePromptVersion([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/prompts/{channel}/versions/{version}/activate")] HttpRequest r, string tenantId, string channel, string version) => TenantScope.RunAsync(r, tenantId, t => PromptEndpoints.ActivateAsync(t, channel, version, r.Service<PromptStore>())).AsAction();

    [Function("PreviewPrompt")]
    public static Task<IActionResult> PreviewPrompt([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/prompts/{channel}/preview")] HttpRequest r, string tenantId, string channel) => TenantScope.RunAsync(r, tenantId, t => PromptEndpoints.PreviewAsync(t, channel, new(r), r.Service<LeadStore>(), r.Service<IPromptBuilder>())).AsAction();

    [Function("ListConversations")]
    public static Task<IActionResult> ListConversations([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/whatsapp/conversations")] HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, t => ConversationEndpoints.ListAsync(t, r.Service<WhatsAppStore>(), r.Service<ContinuationTokens>())).AsAction();

    [Function("GetConversation")]
    public static Task<IActionResult> GetConversation([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/whatsapp/conversations/{conversationId}")] HttpRequest r, string tenantId, string conversationId) => TenantScope.RunAsync(r, tenantId, t => ConversationEndpoints.GetAsync(t, conversationId, r.Service<WhatsAppStore>())).AsAction();
}
