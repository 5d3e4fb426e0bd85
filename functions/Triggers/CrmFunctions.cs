using CallCenter.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CallCenter.Functions.Triggers;

/// <summary>The CRM API: one line per route over the shared endpoints, which authenticate and validate.</summary>
public static class CrmFunctions
{
    private const AuthorizationLevel Anonymous = AuthorizationLevel.Anonymous;

    [Function("OpenApi")]
    public static IActionResult OpenApi([HttpTrigger(Anonymous, "get", Route = "openapi.json")] HttpRequest r) => new ResultAction(ApiRoutes.OpenApi());

    [Function("CreateTenant")]
    public static Task<IActionResult> CreateTenant([HttpTrigger(Anonymous, "post", Route = "tenants")] HttpRequest r) => TenantEndpoints.CreateAsync(r).AsAction();

    [Function("ListTenants")]
    public static Task<IActionResult> ListTenants([HttpTrigger(Anonymous, "get", Route = "tenants")] HttpRequest r) => TenantEndpoints.ListAsync(r).AsAction();

    [Function("GetTenant")]
    public static Task<IActionResult> GetTenant([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}")] HttpRequest r, string tenantId) => TenantEndpoints.GetAsync(r, tenantId).AsAction();

    [Function("PutTenant")]
    public static Task<IActionResult> PutTenant([HttpTrigger(Anonymous, "put", Route = "tenants/{tenantId}")] HttpRequest r, string tenantId) => TenantEndpoints.PutAsync(r, tenantId).AsAction();

    [Function("CreateApiKey")]
    public static Task<IActionResult> CreateApiKey([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/keys")] HttpRequest r, string tenantId) => TenantEndpoints.CreateKeyAsync(r, tenantId).AsAction();

    [Function("ListApiKeys")]
    public static Task<IActionResult> ListApiKeys([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/keys")] HttpRequest r, string tenantId) => TenantEndpoints.ListKeysAsync(r, tenantId).AsAction();

    [Function("RevokeApiKey")]
    public static Task<IActionResult> RevokeApiKey([HttpTrigger(Anonymous, "delete", Route = "tenants/{tenantId}/keys/{keyId}")] HttpRequest r, string tenantId, string keyId) => TenantEndpoints.RevokeKeyAsync(r, tenantId, keyId).AsAction();

    [Function("CreateLead")]
    public static Task<IActionResult> CreateLead([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/leads")] HttpRequest r, string tenantId) => LeadEndpoints.CreateAsync(r, tenantId).AsAction();

    [Function("ListLeads")]
    public static Task<IActionResult> ListLeads([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/leads")] HttpRequest r, string tenantId) => LeadEndpoints.ListAsync(r, tenantId).AsAction();

    [Function("GetLead")]
    public static Task<IActionResult> GetLead([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/leads/{leadId}")] HttpRequest r, string tenantId, string leadId) => LeadEndpoints.GetAsync(r, tenantId, leadId).AsAction();

    [Function("PatchLead")]
    public static Task<IActionResult> PatchLead([HttpTrigger(Anonymous, "patch", Route = "tenants/{tenantId}/leads/{leadId}")] HttpRequest r, string tenantId, string leadId) => LeadEndpoints.PatchAsync(r, tenantId, leadId).AsAction();

    [Function("ListCalls")]
    public static Task<IActionResult> ListCalls([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/calls")] HttpRequest r, string tenantId) => CallEndpoints.ListAsync(r, tenantId).AsAction();

    [Function("GetCall")]
    public static Task<IActionResult> GetCall([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/calls/{callId}")] HttpRequest r, string tenantId, string callId) => CallEndpoints.GetAsync(r, tenantId, callId).AsAction();

    [Function("GetPrompt")]
    public static Task<IActionResult> GetPrompt([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/prompts/{channel}")] HttpRequest r, string tenantId, string channel) => PromptEndpoints.GetAsync(r, tenantId, channel).AsAction();

    [Function("PutPrompt")]
    public static Task<IActionResult> PutPrompt([HttpTrigger(Anonymous, "put", Route = "tenants/{tenantId}/prompts/{channel}")] HttpRequest r, string tenantId, string channel) => PromptEndpoints.PutAsync(r, tenantId, channel).AsAction();

    [Function("GetPromptVersion")]
    public static Task<IActionResult> GetPromptVersion([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/prompts/{channel}/versions/{version}")] HttpRequest r, string tenantId, string channel, string version) => PromptEndpoints.GetVersionAsync(r, tenantId, channel, version).AsAction();

    [Function("ActivatePromptVersion")]
    public static Task<IActionResult> ActivatePromptVersion([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/prompts/{channel}/versions/{version}/activate")] HttpRequest r, string tenantId, string channel, string version) => PromptEndpoints.ActivateAsync(r, tenantId, channel, version).AsAction();

    [Function("PreviewPrompt")]
    public static Task<IActionResult> PreviewPrompt([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/prompts/{channel}/preview")] HttpRequest r, string tenantId, string channel) => PromptEndpoints.PreviewAsync(r, tenantId, channel).AsAction();

    [Function("ListConversations")]
    public static Task<IActionResult> ListConversations([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/whatsapp/conversations")] HttpRequest r, string tenantId) => ConversationEndpoints.ListAsync(r, tenantId).AsAction();

    [Function("GetConversation")]
    public static Task<IActionResult> GetConversation([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/whatsapp/conversations/{conversationId}")] HttpRequest r, string tenantId, string conversationId) => ConversationEndpoints.GetAsync(r, tenantId, conversationId).AsAction();
}
