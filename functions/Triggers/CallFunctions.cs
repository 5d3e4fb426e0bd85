using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Functions.Triggers;

/// <summary>Per-call support routes and the live-events negotiate step (tenant API key).</summary>
public static class CallFunctions
{
    [Function("PlaceCall")]
    public static Task<IActionResult> Place(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tenants/{tenantId}/calls")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string tenantId) =>
        TenantScope.RunAsync(request, tenantId, t => CallEndpoints.PlaceAsync(t, new(request), request.Service<OutboundCallPlanner>(), client)).AsAction();

    [Function("CallRecordingLink")]
    public static Task<IActionResult> RecordingLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenantId}/calls/{callId}/recording")] HttpRequest request,
        string tenantId,
        string callId) =>
        TenantScope.RunAsync(request, tenantId, t => CallEndpoints.RecordingLinkAsync(t, callId, request.Service<CallLogStore>(), request.Service<RecordingStore>(), request.Service<TimeProvider>())).AsAction();

    [Function("CallWorkflowStatus")]
    public static Task<IActionResult> Workflow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenantId}/calls/{callId}/workflow")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string tenantId,
        string callId) =>
        TenantScope.RunAsync(request, tenantId, t => CallEndpoints.WorkflowAsync(t, callId, request.Service<CallLogStore>(), client)).AsAction();

    [Function("NegotiateLiveEvents")]
    public static Task<IActionResult> NegotiateLive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenantId}/live/negotiate")] HttpRequest request,
        string tenantId) =>
        TenantScope.RunAsync(request, tenantId, t => LiveEndpoints.NegotiateAsync(t, request.Service<ILiveEventsNegotiation>())).AsAction();

    [Function("GetAnalytics")]
    public static Task<IActionResult> Analytics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenantId}/analytics")] HttpRequest request,
        string tenantId) =>
        TenantScope.RunAsync(request, tenantId, t => AnalyticsEndpoints.GetAsync(t, request.Service<CallStatsStore>(), request.Service<IOptions<PricingOptions>>(), request.Service<TimeProvider>())).AsAction();
}
