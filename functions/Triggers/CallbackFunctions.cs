using CallCenter.Core.Auth;
using CallCenter.Core.Callbacks;
using CallCenter.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallCenter.Functions.Triggers;

/// <summary>The callbacks API: one line per route, as <see cref="ApiRoutes.All"/> binds it for the local host.</summary>
public static class CallbackFunctions
{
    private const AuthorizationLevel Anonymous = AuthorizationLevel.Anonymous;

    [Function("CreateCallback")]
    public static Task<IActionResult> Create([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/callbacks")] HttpRequest r, [DurableClient] DurableTaskClient client, string tenantId) =>
        TenantScope.RunAsync(r, tenantId, t => CallbackEndpoints.CreateAsync(t, new(r), r.Service<CallbackRequests>(), client)).AsAction();

    [Function("ListCallbacks")]
    public static Task<IActionResult> List([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/callbacks")] HttpRequest r, string tenantId) =>
        TenantScope.RunAsync(r, tenantId, t => CallbackEndpoints.ListAsync(t, r.Service<CallbackStore>(), r.Service<ContinuationTokens>())).AsAction();

    [Function("GetCallback")]
    public static Task<IActionResult> Get([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/callbacks/{callbackId}")] HttpRequest r, string tenantId, string callbackId) =>
        TenantScope.RunAsync(r, tenantId, t => CallbackEndpoints.GetAsync(t, callbackId, r.Service<CallbackStore>())).AsAction();

    [Function("CancelCallback")]
    public static Task<IActionResult> Cancel([HttpTrigger(Anonymous, "delete", Route = "tenants/{tenantId}/callbacks/{callbackId}")] HttpRequest r, [DurableClient] DurableTaskClient client, string tenantId, string callbackId) =>
        TenantScope.RunAsync(r, tenantId, t => CallbackEndpoints.CancelAsync(t, callbackId, r.Service<CallbackDialer>(), client)).AsAction();
}
