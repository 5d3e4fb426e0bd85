using CallCenter.Core.Auth;
using CallCenter.Core.Webhooks;
using CallCenter.Core.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Web;

/// <summary>A tenant's post-call webhooks: endpoints with their signing secrets, and the deliveries made to them.</summary>
public static class WebhookEndpoints
{
    public const int MaxEndpoints = 20;
    private const string Listing = "webhook-deliveries";

    public sealed record WebhookBody(string? Url, IReadOnlyList<string>? Events);

    public static async Task<Results<CrmCreated<WebhookCreatedView>, BadRequestProblem, BodyRefusal>> CreateAsync(
        TenantScope scope, CrmBody<WebhookBody> request, WebhookUrlPolicy policy, WebhookStore store)
    {
        var (body, refusal) = await request.ReadAsync();
        if (body is null)
        {
            return refusal!;
        }

        var errors = new List<string>();
        var events = body.Events ?? [];
        if (events.Count == 0 || events.Any(e => !WebhookEventTypes.All.Contains(e)) || events.Distinct().Count() != events.Count)
        {
            errors.Add($"events must list one or more of {string.Join(", ", WebhookEventTypes.All)}, each once");
        }

        var (url, urlRefusal) = await policy.CheckAsync(body.Url, scope.Aborted);
        if (urlRefusal is not null)
        {
            errors.Add(urlRefusal);
        }

        if (errors.Count == 0 && (await store.ListEndpointsAsync(scope.Tenant.Id, scope.Aborted)).Count >= MaxEndpoints)
        {
            errors.Add($"a tenant has at most {MaxEndpoints} endpoints: delete one first");
        }

        if (errors.Count > 0)
        {
            return CrmAccess.Invalid(errors);
        }

        var (endpoint, secret) = await store.CreateEndpointAsync(scope.Tenant.Id, url!, events, scope.Aborted);
        return new CrmCreated<WebhookCreatedView>(
            $"/api/tenants/{scope.Tenant.Id}/webhooks/{endpoint.Id}",
            new WebhookCreatedView(endpoint.Id, endpoint.Url.AbsoluteUri, endpoint.Events, endpoint.CreatedAt, secret));
    }

    public static async Task<CrmOk<ItemList<WebhookView>>> ListAsync(TenantScope scope, WebhookStore store) =>
        new(new([.. (await store.ListEndpointsAsync(scope.Tenant.Id, scope.Aborted)).OrderBy(e => e.CreatedAt).Select(WebhookView.Of)]));

    public static async Task<Results<NoContent, BadRequestProblem, NotFoundProblem>> DeleteAsync(TenantScope scope, string webhookId, WebhookStore store)
    {
        if (CrmAccess.BadIds(("webhookId", webhookId)) is { } bad)
        {
            return bad;
        }

        return IsEndpointId(webhookId) && await store.DeleteEndpointAsync(scope.Tenant.Id, webhookId, scope.Aborted) ? TypedResults.NoContent() : new NotFoundProblem();
    }

    public static async Task<Results<CrmOk<WebhookSecretView>, BadRequestProblem, NotFoundProblem>> RotateAsync(
        TenantScope scope, string webhookId, WebhookStore store, IOptions<WebhookOptions> options)
    {
        if (CrmAccess.BadIds(("webhookId", webhookId)) is { } bad)
        {
            return bad;
        }

        var secret = IsEndpointId(webhookId) ? await store.RotateSecretAsync(scope.Tenant.Id, webhookId, options.Value.SecretGracePeriod, scope.Aborted) : null;
        return secret is null ? new NotFoundProblem() : new CrmOk<WebhookSecretView>(new WebhookSecretView(webhookId, secret));
    }

    public static async Task<Results<CrmOk<CrmPage<WebhookDeliveryView>>, BadRequestProblem>> ListDeliveriesAsync(TenantScope scope, WebhookStore store, ContinuationTokens tokens)
    {
        var (limit, continuation, pagingError) = CrmAccess.Paging(scope, tokens, Listing);
        if (pagingError is not null)
        {
            return pagingError;
        }

        var page = await store.ListDeliveriesAsync(scope.Tenant.Id, continuation, limit, scope.Aborted);
        return CrmAccess.Page(scope, tokens, Listing, page, WebhookDeliveryView.Of);
    }

    /// <summary>Sends a delivery's event again, as a new delivery (new id, same event id and body); 202 with it.</summary>
    public static async Task<Results<CrmAccepted<WebhookDeliveryView>, BadRequestProblem, NotFoundProblem>> RedeliverAsync(
        TenantScope scope, string deliveryId, WebhookDispatcher dispatcher, IOptions<WebhookOptions> options, DurableTaskClient durable)
    {
        if (CrmAccess.BadIds(("deliveryId", deliveryId)) is { } bad)
        {
            return bad;
        }

        var again = IsDeliveryId(deliveryId) ? await dispatcher.RedeliverAsync(scope.Tenant.Id, deliveryId, scope.Aborted) : null;
        if (again is null)
        {
            return new NotFoundProblem();
        }

        await WebhookDeliveryWorkflow.StartAsync(durable, again, options.Value.Timings, scope.Aborted);
        return new CrmAccepted<WebhookDeliveryView>(WebhookDeliveryView.Of(again));
    }

    private static bool IsEndpointId(string id) => id.Length == 18 && id.StartsWith("we", StringComparison.Ordinal) && id[2..].All(char.IsAsciiHexDigitLower);

    private static bool IsDeliveryId(string id) => id.Length == 33 && id.StartsWith("wd", StringComparison.Ordinal) && id[2..].All(char.IsAsciiHexDigitLower);
}
