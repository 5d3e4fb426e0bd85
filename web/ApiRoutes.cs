using System.Text.Json.Nodes;
using CallCenter.Core.Auth;
using CallCenter.Core.Callbacks;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Events;
using CallCenter.Core.Prompts;
using CallCenter.Core.Tenants;
using CallCenter.Core.Webhooks;
using CallCenter.Core.WhatsApp;
using CallCenter.Core.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Web;

/// <summary>
/// Every HTTP route of the app, declared once: the local host maps this table, the OpenAPI document is generated
/// from it, and a test holds the Functions triggers (which the Functions generator needs as methods) equal to it.
/// </summary>
public static class ApiRoutes
{
    private const string Admin = "admin";
    private const string Tenant = "tenant";
    private const string Twilio = "twilio-signature";
    private const string Meta = "meta-signature";
    private const string None = "none";

    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new("GET", "/api/health", "Health", "Liveness", None, HealthEndpoints.Health),
        new("GET", "/api/openapi.json", "OpenApi", "This document", None, OpenApi),
        new("POST", "/api/twilio/voice", "TwilioVoice", "Twilio voice webhook", Twilio,
            (HttpRequest r, WebhookRequests w, VoiceWebhookHandler h) => TwilioEndpoints.VoiceAsync(r, w, h)),
        new("POST", "/api/twilio/status", "TwilioStatus", "Twilio call status callback", Twilio,
            (HttpRequest r, WebhookRequests w, CallStatusHandler h, CallWorkflowSignals s, DurableTaskClient d) => TwilioEndpoints.StatusAsync(r, w, h, s.For(d))),
        new("POST", "/api/twilio/recording", "TwilioRecording", "Twilio recording callback", Twilio,
            (HttpRequest r, WebhookRequests w, RecordingCallbackHandler h, CallWorkflowSignals s, DurableTaskClient d) => TwilioEndpoints.RecordingAsync(r, w, h, s.For(d))),
        new("GET", "/api/whatsapp/meta", "WhatsAppMetaVerify", "Meta webhook verification handshake (hub.verify_token per tenant)", None,
            (HttpRequest r) => WhatsAppEndpoints.MetaVerifyAsync(r)),
        new("POST", "/api/whatsapp/meta", "WhatsAppMeta", "Meta WhatsApp Cloud API messages and statuses", Meta,
            (HttpRequest r, WhatsAppWorkflowSignals s, DurableTaskClient d) => WhatsAppEndpoints.MetaAsync(r, s.For(d))),
        new("POST", "/api/whatsapp/twilio", "WhatsAppTwilio", "Twilio WhatsApp messages and statuses", Twilio,
            (HttpRequest r, WhatsAppWorkflowSignals s, DurableTaskClient d) => WhatsAppEndpoints.TwilioAsync(r, s.For(d))),
        new("POST", "/api/tenants", "CreateTenant", "Create a tenant with its numbers", Admin,
            (HttpRequest r, CrmBody<TenantEndpoints.TenantBody> body, TenantStore store) => AdminScope.RunAsync(r, a => TenantEndpoints.CreateAsync(a, body, store))),
        new("GET", "/api/tenants", "ListTenants", "List tenants", Admin,
            (HttpRequest r, TenantStore store) => AdminScope.RunAsync(r, a => TenantEndpoints.ListAsync(a, store))),
        new("GET", "/api/tenants/{tenantId}", "GetTenant", "Read a tenant", Tenant,
            (HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, TenantEndpoints.GetAsync)),
        new("PUT", "/api/tenants/{tenantId}", "PutTenant", "Replace a tenant and its numbers", Admin,
            (HttpRequest r, string tenantId, CrmBody<TenantEndpoints.TenantBody> body, TenantStore store) =>
                AdminScope.RunOnTenantAsync(r, tenantId, a => TenantEndpoints.PutAsync(a, tenantId, body, store))),
        new("POST", "/api/tenants/{tenantId}/keys", "CreateApiKey", "Issue an API key (shown once)", Tenant,
            (HttpRequest r, string tenantId, CrmBody<TenantEndpoints.KeyBody> body, ApiKeyService keys) => TenantScope.RunAsync(r, tenantId, t => TenantEndpoints.CreateKeyAsync(t, body, keys))),
        new("GET", "/api/tenants/{tenantId}/keys", "ListApiKeys", "List API keys", Tenant,
            (HttpRequest r, string tenantId, ApiKeyService keys) => TenantScope.RunAsync(r, tenantId, t => TenantEndpoints.ListKeysAsync(t, keys))),
        new("DELETE", "/api/tenants/{tenantId}/keys/{keyId}", "RevokeApiKey", "Revoke an API key", Tenant,
            (HttpRequest r, string tenantId, string keyId, ApiKeyService keys) => TenantScope.RunAsync(r, tenantId, t => TenantEndpoints.RevokeKeyAsync(t, keyId, keys))),
        new("POST", "/api/tenants/{tenantId}/leads", "CreateLead", "Create a lead", Tenant,
            (HttpRequest r, string tenantId, CrmBody<LeadEndpoints.LeadBody> body, LeadStore leads) => TenantScope.RunAsync(r, tenantId, t => LeadEndpoints.CreateAsync(t, body, leads))),
        new("GET", "/api/tenants/{tenantId}/leads", "ListLeads", "Leads by ?phone= or ?status=, paged (?limit=, ?continuation=)", Tenant,
            (HttpRequest r, string tenantId, LeadStore leads, ContinuationTokens tokens) => TenantScope.RunAsync(r, tenantId, t => LeadEndpoints.ListAsync(t, leads, tokens))),
        new("GET", "/api/tenants/{tenantId}/leads/{leadId}", "GetLead", "Read a lead", Tenant,
            (HttpRequest r, string tenantId, string leadId, LeadStore leads) => TenantScope.RunAsync(r, tenantId, t => LeadEndpoints.GetAsync(t, leadId, leads))),
        new("PATCH", "/api/tenants/{tenantId}/leads/{leadId}", "PatchLead", "Change a lead's name, status or notes", Tenant,
            (HttpRequest r, string tenantId, string leadId, CrmBody<LeadEndpoints.LeadPatch> body, LeadStore leads) => TenantScope.RunAsync(r, tenantId, t => LeadEndpoints.PatchAsync(t, leadId, body, leads))),
        new("POST", "/api/tenants/{tenantId}/calls", "PlaceCall", "Place an outbound call to a lead or number (202 with the call id; the AI speaks first)", Tenant,
            (HttpRequest r, string tenantId, CrmBody<CallEndpoints.PlaceCallBody> body, OutboundCallPlanner planner, DurableTaskClient durable) =>
                TenantScope.RunAsync(r, tenantId, t => CallEndpoints.PlaceAsync(t, body, planner, durable))),
        new("GET", "/api/tenants/{tenantId}/calls", "ListCalls", "Calls newest first, by ?from=&to= dates, ?status=, ?direction=, ?phone=, ?leadId=, paged", Tenant,
            (HttpRequest r, string tenantId, CallLogStore calls, ContinuationTokens tokens) => TenantScope.RunAsync(r, tenantId, t => CallEndpoints.ListAsync(t, calls, tokens))),
        new("GET", "/api/tenants/{tenantId}/calls/{callId}", "GetCall", "A call with turns, summary, transcript source and links", Tenant,
            (HttpRequest r, string tenantId, string callId, CallLogStore calls, TurnStore turns) => TenantScope.RunAsync(r, tenantId, t => CallEndpoints.GetAsync(t, callId, calls, turns))),
        new("GET", "/api/tenants/{tenantId}/calls/{callId}/recording", "CallRecordingLink", "A read-only link to the call's recording, valid 15 minutes at most", Tenant,
            (HttpRequest r, string tenantId, string callId, CallLogStore calls, RecordingStore recordings, TimeProvider time) =>
                TenantScope.RunAsync(r, tenantId, t => CallEndpoints.RecordingLinkAsync(t, callId, calls, recordings, time))),
        new("GET", "/api/tenants/{tenantId}/calls/{callId}/workflow", "CallWorkflowStatus", "The state of the call's post-processing workflow", Tenant,
            (HttpRequest r, string tenantId, string callId, CallLogStore calls, DurableTaskClient durable) => TenantScope.RunAsync(r, tenantId, t => CallEndpoints.WorkflowAsync(t, callId, calls, durable))),
        new("GET", "/api/tenants/{tenantId}/prompts/{channel}", "GetPrompt", "Current prompt and its versions (voice-inbound, voice-outbound, whatsapp)", Tenant,
            (HttpRequest r, string tenantId, string channel, PromptStore prompts) => TenantScope.RunAsync(r, tenantId, t => PromptEndpoints.GetAsync(t, channel, prompts))),
        new("PUT", "/api/tenants/{tenantId}/prompts/{channel}", "PutPrompt", "Save a new prompt version and make it current", Tenant,
            (HttpRequest r, string tenantId, string channel, CrmBody<PromptEndpoints.PromptBody> body, PromptStore prompts) => TenantScope.RunAsync(r, tenantId, t => PromptEndpoints.PutAsync(t, channel, body, prompts))),
        new("GET", "/api/tenants/{tenantId}/prompts/{channel}/versions/{version}", "GetPromptVersion", "Read one prompt version", Tenant,
            (HttpRequest r, string tenantId, string channel, string version, PromptStore prompts) => TenantScope.RunAsync(r, tenantId, t => PromptEndpoints.GetVersionAsync(t, channel, version, prompts))),
        new("POST", "/api/tenants/{tenantId}/prompts/{channel}/versions/{version}/activate", "ActivatePromptVersion", "Make a version current again", Tenant,
            (HttpRequest r, string tenantId, string channel, string version, PromptStore prompts) => TenantScope.RunAsync(r, tenantId, t => PromptEndpoints.ActivateAsync(t, channel, version, prompts))),
        new("POST", "/api/tenants/{tenantId}/prompts/{channel}/preview", "PreviewPrompt", "The instructions a call or message would get (optional leadId)", Tenant,
            (HttpRequest r, string tenantId, string channel, CrmBody<PromptEndpoints.PreviewBody> body, LeadStore leads, IPromptBuilder builder) =>
                TenantScope.RunAsync(r, tenantId, t => PromptEndpoints.PreviewAsync(t, channel, body, leads, builder))),
        new("GET", "/api/tenants/{tenantId}/live/negotiate", "NegotiateLiveEvents", "A WebSocket URL that receives the tenant's live call events (Web PubSub client URL)", Tenant,
            (HttpRequest r, string tenantId, ILiveEventsNegotiation negotiation) => TenantScope.RunAsync(r, tenantId, t => LiveEndpoints.NegotiateAsync(t, negotiation))),
        new("GET", "/api/tenants/{tenantId}/whatsapp/conversations", "ListConversations", "WhatsApp conversations, paged", Tenant,
            (HttpRequest r, string tenantId, WhatsAppStore store, ContinuationTokens tokens) => TenantScope.RunAsync(r, tenantId, t => ConversationEndpoints.ListAsync(t, store, tokens))),
        new("GET", "/api/tenants/{tenantId}/whatsapp/conversations/{conversationId}", "GetConversation", "A WhatsApp conversation with its messages", Tenant,
            (HttpRequest r, string tenantId, string conversationId, WhatsAppStore store) => TenantScope.RunAsync(r, tenantId, t => ConversationEndpoints.GetAsync(t, conversationId, store))),
        new("POST", "/api/twilio/transfer", "TwilioTransfer", "Twilio fetches a transferred call's TwiML: the Dial of the tenant's transfer numbers", Twilio,
            (HttpRequest r, WebhookRequests w, TransferWebhookHandler h) => TwilioEndpoints.TransferAsync(r, w, h)),
        new("POST", "/api/twilio/transfer/whisper", "TwilioTransferWhisper", "Twilio fetches what the called person hears before being connected: the call's summary", Twilio,
            (HttpRequest r, WebhookRequests w, TransferWebhookHandler h) => TwilioEndpoints.TransferWhisperAsync(r, w, h)),
        new("POST", "/api/twilio/transfer/result", "TwilioTransferResult", "Twilio's Dial action after a transfer: records the outcome once; unanswered, the caller returns to the agent", Twilio,
            (HttpRequest r, WebhookRequests w, TransferWebhookHandler h) => TwilioEndpoints.TransferResultAsync(r, w, h)),
        new("POST", "/api/tenants/{tenantId}/webhooks", "CreateWebhook", "Register an endpoint for call events (its signing secret is shown once)", Tenant,
            (HttpRequest r, string tenantId, CrmBody<WebhookEndpoints.WebhookBody> body, WebhookUrlPolicy policy, WebhookStore store) =>
                TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.CreateAsync(t, body, policy, store))),
        new("GET", "/api/tenants/{tenantId}/webhooks", "ListWebhooks", "The tenant's webhook endpoints", Tenant,
            (HttpRequest r, string tenantId, WebhookStore store) => TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.ListAsync(t, store))),
        new("DELETE", "/api/tenants/{tenantId}/webhooks/{webhookId}", "DeleteWebhook", "Remove a webhook endpoint", Tenant,
            (HttpRequest r, string tenantId, string webhookId, WebhookStore store) => TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.DeleteAsync(t, webhookId, store))),
        new("POST", "/api/tenants/{tenantId}/webhooks/{webhookId}/rotate", "RotateWebhookSecret", "A new signing secret (the previous one signs too for a grace period)", Tenant,
            (HttpRequest r, string tenantId, string webhookId, WebhookStore store, IOptions<WebhookOptions> options) =>
                TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.RotateAsync(t, webhookId, store, options))),
        new("GET", "/api/tenants/{tenantId}/webhooks/deliveries", "ListWebhookDeliveries", "Webhook deliveries with their attempts, newest first, paged", Tenant,
            (HttpRequest r, string tenantId, WebhookStore store, ContinuationTokens tokens) => TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.ListDeliveriesAsync(t, store, tokens))),
        new("POST", "/api/tenants/{tenantId}/webhooks/deliveries/{deliveryId}/redeliver", "RedeliverWebhook", "Send a delivery's event again (a new delivery of the same event id)", Tenant,
            (HttpRequest r, string tenantId, string deliveryId, WebhookDispatcher dispatcher, IOptions<WebhookOptions> options, DurableTaskClient d) =>
                TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.RedeliverAsync(t, deliveryId, dispatcher, options, d))),

        new("GET", "/api/tenants/{tenantId}/analytics", "GetAnalytics", "Calls per day by ?from=&to= (yyyy-MM-dd, the tenant's time zone, at most 366 days): outcomes, minutes, cost, p95 latency", Tenant,
            (HttpRequest r, string tenantId, CallStatsStore stats, IOptions<PricingOptions> pricing, TimeProvider time) =>
                TenantScope.RunAsync(r, tenantId, t => AnalyticsEndpoints.GetAsync(t, stats, pricing, time))),

        new("POST", "/api/tenants/{tenantId}/callbacks", "CreateCallback", "Schedule a callback to a lead at a time (moved into the tenant's calling hours); the same lead and time is the same callback", Tenant,
            (HttpRequest r, string tenantId, CrmBody<CallbackEndpoints.CallbackBody> body, CallbackRequests callbacks, DurableTaskClient durable) =>
                TenantScope.RunAsync(r, tenantId, t => CallbackEndpoints.CreateAsync(t, body, callbacks, durable))),
        new("GET", "/api/tenants/{tenantId}/callbacks", "ListCallbacks", "Callbacks by ?status= (scheduled, dialed, cancelled, skipped), paged", Tenant,
            (HttpRequest r, string tenantId, CallbackStore store, ContinuationTokens tokens) => TenantScope.RunAsync(r, tenantId, t => CallbackEndpoints.ListAsync(t, store, tokens))),
        new("GET", "/api/tenants/{tenantId}/callbacks/{callbackId}", "GetCallback", "Read a callback", Tenant,
            (HttpRequest r, string tenantId, string callbackId, CallbackStore store) => TenantScope.RunAsync(r, tenantId, t => CallbackEndpoints.GetAsync(t, callbackId, store))),
        new("DELETE", "/api/tenants/{tenantId}/callbacks/{callbackId}", "CancelCallback", "Cancel a scheduled callback (409 once it was dialed or skipped)", Tenant,
            (HttpRequest r, string tenantId, string callbackId, CallbackDialer dialer, DurableTaskClient durable) =>
                TenantScope.RunAsync(r, tenantId, t => CallbackEndpoints.CancelAsync(t, callbackId, dialer, durable))),
    ];

    /// <summary>The OpenAPI document of <see cref="All"/>, derived from the handlers' types.</summary>
    public static JsonObject OpenApiDocument() => OpenApiGenerator.Document(All);

    public static IResult OpenApi() => Results.Text(OpenApiDocument().ToJsonString(), "application/json");
}
