using CallCenter.Core.Auth;
using CallCenter.Core.Storage;
using CallCenter.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallCenter.Functions.Triggers;

/// <summary>Per-call support routes (tenant API key).</summary>
public sealed class CallFunctions(ApiKeyService keys, CallLogStore calls, RecordingStore recordings, TimeProvider time)
{
    [Function("CallRecordingLink")]
    public Task<IActionResult> RecordingLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenantId}/calls/{callId}/recording")] HttpRequest request,
        string tenantId,
        string callId) =>
        CallEndpoints.RecordingLinkAsync(request, tenantId, callId, keys, calls, recordings, time).AsAction();

    [Function("CallWorkflowStatus")]
    public Task<IActionResult> Workflow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenantId}/calls/{callId}/workflow")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string tenantId,
        string callId) =>
        CallEndpoints.WorkflowAsync(request, tenantId, callId, keys, calls, client).AsAction();
}
