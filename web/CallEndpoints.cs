using CallCenter.Core.Auth;
using CallCenter.Core.Storage;
using CallCenter.Core.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace CallCenter.Web;

/// <summary>Per-call support routes: the recording link and the workflow's state.</summary>
public static class CallEndpoints
{
    /// <summary>A read-only link to the call's recording, valid 15 minutes at most.</summary>
    public static async Task<IResult> RecordingLinkAsync(
        HttpRequest request, string tenantId, string callId, ApiKeyService keys, CallLogStore calls, RecordingStore recordings, TimeProvider time)
    {
        if (await ApiKeyAuth.DenyUnlessTenantAsync(request, keys, tenantId) is { } denied)
        {
            return denied;
        }

        var ct = request.HttpContext.RequestAborted;
        var call = await calls.GetAsync(tenantId, callId, ct);
        var now = time.GetUtcNow();
        var link = call?.RecordingBlobPath is { } path
            ? await recordings.GetReadLinkAsync(tenantId, path, RecordingStore.MaxLinkLifetime, now, ct)
            : null;
        return link is null
            ? Results.NotFound()
            : Results.Ok(new { url = link, expiresAt = now.Add(RecordingStore.MaxLinkLifetime) });
    }

    /// <summary>The call's orchestration as support staff need it: status, times, output or failure.</summary>
    public static async Task<IResult> WorkflowAsync(
        HttpRequest request, string tenantId, string callId, ApiKeyService keys, CallLogStore calls, DurableTaskClient durable)
    {
        if (await ApiKeyAuth.DenyUnlessTenantAsync(request, keys, tenantId) is { } denied)
        {
            return denied;
        }

        var ct = request.HttpContext.RequestAborted;
        if (await calls.GetAsync(tenantId, callId, ct) is null)
        {
            return Results.NotFound();
        }

        var instance = await durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callId), getInputsAndOutputs: true, ct);
        return instance is null
            ? Results.NotFound()
            : Results.Ok(new
            {
                instanceId = instance.InstanceId,
                status = instance.RuntimeStatus.ToString(),
                createdAt = instance.CreatedAt,
                lastUpdatedAt = instance.LastUpdatedAt,
                output = instance.SerializedOutput,
                failure = instance.FailureDetails?.ErrorMessage,
            });
    }
}
