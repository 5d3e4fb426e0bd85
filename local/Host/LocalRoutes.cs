using CallCenter.Core.Calls;
using CallCenter.Core.WhatsApp;
using CallCenter.Core.Workflow;
using CallCenter.Web;
using Microsoft.DurableTask.Client;

namespace CallCenter.Local.Host;

/// <summary>
/// The Functions app's HTTP routes, served by the local host over the same endpoints. A test holds this
/// table equal to the Functions app's generated functions.metadata.
/// </summary>
public static class LocalRoutes
{
    public static void MapCallCenterRoutes(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/health", HealthEndpoints.Health);
        api.MapPost("/twilio/voice", (HttpRequest r, WebhookRequests w, VoiceWebhookHandler h, CallWorkflowSignals s, DurableTaskClient d) => TwilioEndpoints.VoiceAsync(r, w, h, s.For(d)));
        api.MapPost("/twilio/status", (HttpRequest r, WebhookRequests w, CallStatusHandler h, CallWorkflowSignals s, DurableTaskClient d) => TwilioEndpoints.StatusAsync(r, w, h, s.For(d)));
        api.MapPost("/twilio/recording", (HttpRequest r, WebhookRequests w, RecordingCallbackHandler h, CallWorkflowSignals s, DurableTaskClient d) => TwilioEndpoints.RecordingAsync(r, w, h, s.For(d)));

        api.MapGet("/openapi.json", ApiRoutes.OpenApi);
        api.MapGet("/whatsapp/meta", (HttpRequest r) => WhatsAppEndpoints.MetaVerifyAsync(r));
        api.MapPost("/whatsapp/meta", (HttpRequest r, WhatsAppWorkflowSignals s, DurableTaskClient d) => WhatsAppEndpoints.MetaAsync(r, s.For(d)));
        api.MapPost("/whatsapp/twilio", (HttpRequest r, WhatsAppWorkflowSignals s, DurableTaskClient d) => WhatsAppEndpoints.TwilioAsync(r, s.For(d)));

        api.MapPost("/tenants", (HttpRequest r) => TenantEndpoints.CreateAsync(r));
        api.MapGet("/tenants", (HttpRequest r) => TenantEndpoints.ListAsync(r));
        api.MapGet("/tenants/{tenantId}", (HttpRequest r, string tenantId) => TenantEndpoints.GetAsync(r, tenantId));
        api.MapPut("/tenants/{tenantId}", (HttpRequest r, string tenantId) => TenantEndpoints.PutAsync(r, tenantId));
        api.MapPost("/tenants/{tenantId}/keys", (HttpRequest r, string tenantId) => TenantEndpoints.CreateKeyAsync(r, tenantId));
        api.MapGet("/tenants/{tenantId}/keys", (HttpRequest r, string tenantId) => TenantEndpoints.ListKeysAsync(r, tenantId));
        api.MapDelete("/tenants/{tenantId}/keys/{keyId}", (HttpRequest r, string tenantId, string keyId) => TenantEndpoints.RevokeKeyAsync(r, tenantId, keyId));
        api.MapPost("/tenants/{tenantId}/leads", (HttpRequest r, string tenantId) => LeadEndpoints.CreateAsync(r, tenantId));
        api.MapGet("/tenants/{tenantId}/leads", (HttpRequest r, string tenantId) => LeadEndpoints.ListAsync(r, tenantId));
        api.MapGet("/tenants/{tenantId}/leads/{leadId}", (HttpRequest r, string tenantId, string leadId) => LeadEndpoints.GetAsync(r, tenantId, leadId));
        api.MapPatch("/tenants/{tenantId}/leads/{leadId}", (HttpRequest r, string tenantId, string leadId) => LeadEndpoints.PatchAsync(r, tenantId, leadId));
        api.MapPost("/tenants/{tenantId}/calls", (HttpRequest r, string tenantId, DurableTaskClient d) => CallEndpoints.PlaceAsync(r, tenantId, d));
        api.MapGet("/tenants/{tenantId}/calls", (HttpRequest r, string tenantId) => CallEndpoints.ListAsync(r, tenantId));
        api.MapGet("/tenants/{tenantId}/calls/{callId}", (HttpRequest r, string tenantId, string callId) => CallEndpoints.GetAsync(r, tenantId, callId));
        api.MapGet("/tenants/{tenantId}/calls/{callId}/recording", (HttpRequest r, string tenantId, string callId) => CallEndpoints.RecordingLinkAsync(r, tenantId, callId));
        api.MapGet("/tenants/{tenantId}/calls/{callId}/workflow", (HttpRequest r, string tenantId, string callId, DurableTaskClient d) => CallEndpoints.WorkflowAsync(r, tenantId, callId, d));
        api.MapGet("/tenants/{tenantId}/prompts/{channel}", (HttpRequest r, string tenantId, string channel) => PromptEndpoints.GetAsync(r, tenantId, channel));
        api.MapPut("/tenants/{tenantId}/prompts/{channel}", (HttpRequest r, string tenantId, string channel) => PromptEndpoints.PutAsync(r, tenantId, channel));
        api.MapGet("/tenants/{tenantId}/prompts/{channel}/versions/{version}", (HttpRequest r, string tenantId, string channel, string version) => PromptEndpoints.GetVersionAsync(r, tenantId, channel, version));
        api.MapPost("/tenants/{tenantId}/prompts/{channel}/versions/{version}/activate", (HttpRequest r, string tenantId, string channel, string version) => PromptEndpoints.ActivateAsync(r, tenantId, channel, version));
        api.MapPost("/tenants/{tenantId}/prompts/{channel}/preview", (HttpRequest r, string tenantId, string channel) => PromptEndpoints.PreviewAsync(r, tenantId, channel));
        api.MapGet("/tenants/{tenantId}/live/negotiate", (HttpRequest r, string tenantId) => LiveEndpoints.NegotiateAsync(r, tenantId));
        api.MapGet("/tenants/{tenantId}/whatsapp/conversations", (HttpRequest r, string tenantId) => ConversationEndpoints.ListAsync(r, tenantId));
        api.MapGet("/tenants/{tenantId}/whatsapp/conversations/{conversationId}", (HttpRequest r, string tenantId, string conversationId) => ConversationEndpoints.GetAsync(r, tenantId, conversationId));
    }
}
