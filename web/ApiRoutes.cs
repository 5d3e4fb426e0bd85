using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

/// <summary>One HTTP route of the app: the OpenAPI document is generated from this table, and tests hold both hosts to it.</summary>
public sealed record ApiRoute(string Method, string Path, string Name, string Summary, string Auth);

public static partial class ApiRoutes
{
    private const string Admin = "admin";
    private const string Tenant = "tenant";
    private const string Twilio = "twilio-signature";
    private const string Meta = "meta-signature";
    private const string None = "none";

    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new("GET", "/api/health", "Health", "Liveness", None),
        new("GET", "/api/openapi.json", "OpenApi", "This document", None),
        new("POST", "/api/twilio/voice", "TwilioVoice", "Twilio voice webhook", Twilio),
        new("POST", "/api/twilio/status", "TwilioStatus", "Twilio call status callback", Twilio),
        new("POST", "/api/twilio/recording", "TwilioRecording", "Twilio recording callback", Twilio),
        new("GET", "/api/whatsapp/meta", "WhatsAppMetaVerify", "Meta webhook verification handshake (hub.verify_token per tenant)", None),
        new("POST", "/api/whatsapp/meta", "WhatsAppMeta", "Meta WhatsApp Cloud API messages and statuses", Meta),
        new("POST", "/api/whatsapp/twilio", "WhatsAppTwilio", "Twilio WhatsApp messages and statuses", Twilio),
        new("POST", "/api/tenants", "CreateTenant", "Create a tenant with its numbers", Admin),
        new("GET", "/api/tenants", "ListTenants", "List tenants", Admin),
        new("GET", "/api/tenants/{tenantId}", "GetTenant", "Read a tenant", Tenant),
        new("PUT", "/api/tenants/{tenantId}", "PutTenant", "Replace a tenant and its numbers", Admin),
        new("POST", "/api/tenants/{tenantId}/keys", "CreateApiKey", "Issue an API key (shown once)", Tenant),
        new("GET", "/api/tenants/{tenantId}/keys", "ListApiKeys", "List API keys", Tenant),
        new("DELETE", "/api/tenants/{tenantId}/keys/{keyId}", "RevokeApiKey", "Revoke an API key", Tenant),
        new("POST", "/api/tenants/{tenantId}/leads", "CreateLead", "Create a lead", Tenant),
        new("GET", "/api/tenants/{tenantId}/leads", "ListLeads", "Leads by ?phone= or ?status=, paged (?limit=, ?continuation=)", Tenant),
        new("GET", "/api/tenants/{tenantId}/leads/{leadId}", "GetLead", "Read a lead", Tenant),
        new("PATCH", "/api/tenants/{tenantId}/leads/{leadId}", "PatchLead", "Change a lead's name, status or notes", Tenant),
        new("POST", "/api/tenants/{tenantId}/calls", "PlaceCall", "Place an outbound call to a lead or number (202 with the call id; the AI speaks first)", Tenant),
        new("GET", "/api/tenants/{tenantId}/calls", "ListCalls", "Calls by ?from=&to= dates or ?leadId=, paged", Tenant),
        new("GET", "/api/tenants/{tenantId}/calls/{callId}", "GetCall", "A call with turns, summary, transcript source and links", Tenant),
        new("GET", "/api/tenants/{tenantId}/calls/{callId}/recording", "CallRecordingLink", "A read-only link to the call's recording, valid 15 minutes at most", Tenant),
        new("GET", "/api/tenants/{tenantId}/calls/{callId}/workflow", "CallWorkflowStatus", "The state of the call's post-processing workflow", Tenant),
        new("GET", "/api/tenants/{tenantId}/prompts/{channel}", "GetPrompt", "Current prompt and its versions (voice-inbound, voice-outbound, whatsapp)", Tenant),
        new("PUT", "/api/tenants/{tenantId}/prompts/{channel}", "PutPrompt", "Save a new prompt version and make it current", Tenant),
        new("GET", "/api/tenants/{tenantId}/prompts/{channel}/versions/{version}", "GetPromptVersion", "Read one prompt version", Tenant),
        new("POST", "/api/tenants/{tenantId}/prompts/{channel}/versions/{version}/activate", "ActivatePromptVersion", "Make a version current again", Tenant),
        new("POST", "/api/tenants/{tenantId}/prompts/{channel}/preview", "PreviewPrompt", "The instructions a call or message would get (optional leadId)", Tenant),
        new("GET", "/api/tenants/{tenantId}/live/negotiate", "NegotiateLiveEvents", "A WebSocket URL that receives the tenant's live call events (Web PubSub client URL)", Tenant),
        new("GET", "/api/tenants/{tenantId}/whatsapp/conversations", "ListConversations", "WhatsApp conversations, paged", Tenant),
        new("GET", "/api/tenants/{tenantId}/whatsapp/conversations/{conversationId}", "GetConversation", "A WhatsApp conversation with its messages", Tenant),
    ];

    /// <summary>An OpenAPI 3.0 document listing every route, its parameters and how it is authenticated.</summary>
    public static JsonObject OpenApiDocument()
    {
        var paths = new JsonObject();
        foreach (var group in All.GroupBy(r => r.Path))
        {
            var item = new JsonObject();
            foreach (var route in group)
            {
                var parameters = new JsonArray();
                foreach (Match m in PathParameter().Matches(route.Path))
                {
                    parameters.Add(new JsonObject { ["name"] = m.Groups[1].Value, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
                }

                var operation = new JsonObject
                {
                    ["operationId"] = route.Name,
                    ["summary"] = route.Summary,
                    ["parameters"] = parameters,
                    ["responses"] = new JsonObject
                    {
                        ["200"] = new JsonObject { ["description"] = "OK" },
                        ["400"] = new JsonObject { ["description"] = "Validation error (application/problem+json)" },
                        ["401"] = new JsonObject { ["description"] = "Missing or invalid key or signature" },
                        ["404"] = new JsonObject { ["description"] = "Unknown, or another tenant's" },
                    },
                };
                if (route.Auth is Admin or Tenant)
                {
                    operation["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }, new JsonObject { ["bearer"] = new JsonArray() });
                }

                item[route.Method.ToLowerInvariant()] = operation;
            }

            paths[group.Key] = item;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = "CallCenter API", ["version"] = "1" },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-Api-Key" },
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" },
                },
            },
        };
    }

    public static IResult OpenApi() => Results.Text(OpenApiDocument().ToJsonString(), "application/json");

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex PathParameter();
}
