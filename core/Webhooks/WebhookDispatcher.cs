using CallCenter.Core.Calls;
using CallCenter.Core.Twilio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Webhooks;

/// <summary>What the delivery workflows do: the deliveries a finished call owes, a redelivery, and one attempt.</summary>
public sealed partial class WebhookDispatcher(
    WebhookStore store, CallLogStore calls, WebhookSender sender, IOptions<TwilioOptions> twilio, TimeProvider time, ILogger<WebhookDispatcher> logger)
{
    /// <summary>
    /// One delivery per event of the call and endpoint subscribed to it, each created once: its id is derived
    /// from the event and the endpoint, so a repeat finds the delivery it made before.
    /// </summary>
    public async Task<IReadOnlyList<WebhookDelivery>> PlanCallAsync(string tenantId, string callSid, CancellationToken ct = default)
    {
        var endpoints = await store.ListEndpointsForCallsAsync(tenantId, ct).ConfigureAwait(false);
        if (endpoints.Count == 0)
        {
            return [];
        }

        var call = await calls.GetAsync(tenantId, callSid, ct).ConfigureAwait(false);
        return call is null ? [] : await PlanAsync(call, endpoints, ct).ConfigureAwait(false);
    }

    /// <summary><see cref="PlanCallAsync(string, string, CancellationToken)"/> for the call as the caller holds it, stored (no read of the call).</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> PlanCallAsync(CallLog call, CancellationToken ct = default)
    {
        var endpoints = await store.ListEndpointsForCallsAsync(call.TenantId, ct).ConfigureAwait(false);
        return endpoints.Count == 0 ? [] : await PlanAsync(call, endpoints, ct).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<WebhookDelivery>> PlanAsync(CallLog call, IReadOnlyList<WebhookEndpoint> endpoints, CancellationToken ct)
    {
        var deliveries = new List<WebhookDelivery>();
        foreach (var e in CallWebhookEvents.For(call, twilio.Value.PublicRoot))
        {
            foreach (var endpoint in endpoints.Where(x => x.Events.Contains(e.Type)))
            {
                deliveries.Add(await store.CreateDeliveryIfMissingAsync(
                    NewDelivery(call.TenantId, endpoint.Id, e.Id, e.Type, e.CallId, e.ToJson(), e.CreatedAt, seed: e.Id + "\n" + endpoint.Id), ct).ConfigureAwait(false));
            }
        }

        return deliveries;
    }

    /// <summary>A new delivery of a delivery's event (same id and bytes) to the same endpoint; null when there is no such delivery.</summary>
    public async Task<WebhookDelivery?> RedeliverAsync(string tenantId, string deliveryId, CancellationToken ct = default)
    {
        if (await store.GetDeliveryAsync(tenantId, deliveryId, ct).ConfigureAwait(false) is not { } original)
        {
            return null;
        }

        var again = NewDelivery(tenantId, original.EndpointId, original.EventId, original.EventType, original.CallId, original.Payload, time.GetUtcNow(), seed: null);
        return await store.CreateDeliveryIfMissingAsync(again, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// One attempt: sign with the endpoint's live secrets and post. The attempt is recorded with the status it
    /// leads to: delivered on a 2xx, failed when it was the last or the endpoint is gone, else still pending.
    /// </summary>
    public async Task<WebhookDeliveryStatus> AttemptAsync(string tenantId, string deliveryId, int attempt, bool last, CancellationToken ct = default)
    {
        var delivery = await store.GetDeliveryAsync(tenantId, deliveryId, ct).ConfigureAwait(false);
        if (delivery is null)
        {
            return WebhookDeliveryStatus.Failed;
        }

        if (delivery.Status != WebhookDeliveryStatus.Pending)
        {
            return delivery.Status;
        }

        var now = time.GetUtcNow();
        var signing = await store.GetSigningAsync(tenantId, delivery.EndpointId, ct).ConfigureAwait(false);
        var result = signing switch
        {
            null => new WebhookSendResult(null, "the endpoint was deleted"),
            { Secrets.Count: 0 } => new WebhookSendResult(null, "the endpoint's secret cannot be opened (the admin key changed): rotate it"),
            { } s => await sender.SendAsync(s.Endpoint.Url, delivery.Payload, WebhookSignature.Sign(s.Secrets, now, delivery.Payload), delivery.EventId, ct).ConfigureAwait(false),
        };
        var status = result.Succeeded ? WebhookDeliveryStatus.Delivered
            : last || signing is null ? WebhookDeliveryStatus.Failed
            : WebhookDeliveryStatus.Pending;
        await store.RecordAttemptAsync(tenantId, deliveryId, new WebhookAttempt(attempt, now, result.StatusCode, result.Error), status, ct).ConfigureAwait(false);
        if (status == WebhookDeliveryStatus.Failed)
        {
            GaveUp(logger, deliveryId, delivery.EventType, tenantId, attempt, result.Error);
        }

        return status;
    }

    private static WebhookDelivery NewDelivery(
        string tenantId, string endpointId, string eventId, string type, string? callId, string payload, DateTimeOffset createdAt, string? seed) => new()
    {
        TenantId = tenantId,
        Id = WebhookStore.DeliveryId(createdAt, seed),
        EndpointId = endpointId,
        EventId = eventId,
        EventType = type,
        CallId = callId,
        Payload = payload,
        Status = WebhookDeliveryStatus.Pending,
        CreatedAt = createdAt,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} ({EventType}) of tenant {TenantId} failed after {Attempts} attempts: {Error}")]
    private static partial void GaveUp(ILogger logger, string deliveryId, string eventType, string tenantId, int attempts, string? error);
}
