using CallCenter.Core.Auth;
using CallCenter.Core.Webhooks;
using CallCenter.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Functions.Triggers;

/// <summary>A tenant's webhook endpoints and deliveries: one line per route, as <see cref="ApiRoutes.All"/> binds them.</summary>
public static class WebhookFunctions
{
    private const AuthorizationLevel Anonymous = AuthorizationLevel.Anonymous;

    [Function("CreateWebhook")]
    public static Task<IActionResult> Create([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/webhooks")] HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.CreateAsync(t, new(r), r.Service<WebhookUrlPolicy>(), r.Service<WebhookStore>())).AsAction();

    [Function("ListWebhooks")]
    public static Task<IActionResult> List([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/webhooks")] HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.ListAsync(t, r.Service<WebhookStore>())).AsAction();

    [Function("DeleteWebhook")]
    public static Task<IActionResult> Delete([HttpTrigger(Anonymous, "delete", Route = "tenants/{tenantId}/webhooks/{webhookId}")] HttpRequest r, string tenantId, string webhookId) => TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.DeleteAsync(t, webhookId, r.Service<WebhookStore>())).AsAction();

    [Function("RotateWebhookSecret")]
    public static Task<IActionResult> Rotate([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/webhooks/{webhookId}/rotate")] HttpRequest r, string tenantId, string webhookId) => TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.RotateAsync(t, webhookId, r.Service<WebhookStore>(), r.Service<IOptions<WebhookOptions>>())).AsAction();

    [Function("ListWebhookDeliveries")]
    public static Task<IActionResult> ListDeliveries([HttpTrigger(Anonymous, "get", Route = "tenants/{tenantId}/webhooks/deliveries")] HttpRequest r, string tenantId) => TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.ListDeliveriesAsync(t, r.Service<WebhookStore>(), r.Service<ContinuationTokens>())).AsAction();

    [Function("RedeliverWebhook")]
    public static Task<IActionResult> Redeliver([HttpTrigger(Anonymous, "post", Route = "tenants/{tenantId}/webhooks/deliveries/{deliveryId}/redeliver")] HttpRequest r, [DurableClient] DurableTaskClient client, string tenantId, string deliveryId) => TenantScope.RunAsync(r, tenantId, t => WebhookEndpoints.RedeliverAsync(t, deliveryId, r.Service<WebhookDispatcher>(), r.Service<IOptions<WebhookOptions>>(), client)).AsAction();
}
