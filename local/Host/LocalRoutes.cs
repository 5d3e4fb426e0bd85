using CallCenter.Core.Auth;
using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
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
        api.MapGet("/health", () => HealthEndpoints.Health());
        api.MapPost("/twilio/voice", (HttpRequest r, WebhookRequests w, VoiceWebhookHandler h, ICallWorkflowSignals s) => TwilioEndpoints.VoiceAsync(r, w, h, s));
        api.MapPost("/twilio/status", (HttpRequest r, WebhookRequests w, CallStatusHandler h, ICallWorkflowSignals s) => TwilioEndpoints.StatusAsync(r, w, h, s));
        api.MapPost("/twilio/recording", (HttpRequest r, WebhookRequests w, RecordingCallbackHandler h, ICallWorkflowSignals s) => TwilioEndpoints.RecordingAsync(r, w, h, s));
        api.MapGet("/tenants/{tenantId}/calls/{callId}/recording", (HttpRequest r, string tenantId, string callId, ApiKeyService k, CallLogStore c, RecordingStore rs, TimeProvider t) => CallEndpoints.RecordingLinkAsync(r, tenantId, callId, k, c, rs, t));
        api.MapGet("/tenants/{tenantId}/calls/{callId}/workflow", (HttpRequest r, string tenantId, string callId, ApiKeyService k, CallLogStore c, DurableTaskClient d) => CallEndpoints.WorkflowAsync(r, tenantId, callId, k, c, d));
    }
}
