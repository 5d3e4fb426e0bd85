using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Webhooks;

/// <summary>
/// A tenant's webhook endpoints (<c>e|{id}</c>) and deliveries (<c>d|{id}</c>) in its partition of the
/// <c>Webhooks</c> table. Delivery ids start with inverted ticks of their creation, so a listing is newest first.
/// </summary>
public sealed class WebhookStore(CallCenterTables tables, WebhookSecrets secrets, TimeProvider time)
{
    private const string EndpointPrefix = "e|";
    private const string DeliveryPrefix = "d|";

    /// <summary>How long a finished call may go by a listing of the tenant's endpoints (as <c>TenantCache:Ttl</c>'s default).</summary>
    public static readonly TimeSpan EndpointsForCallsTtl = TimeSpan.FromSeconds(5);

    // Far above the tenants one instance finishes calls for; a reset costs one query each.
    private readonly BoundedMemo<string, (IReadOnlyList<WebhookEndpoint> Endpoints, long ListedAt)> _endpointsForCalls = new(20_000, StringComparer.Ordinal);

    /// <summary>A new endpoint and its secret (the only time the secret leaves the store in clear).</summary>
    public async Task<(WebhookEndpoint Endpoint, string Secret)> CreateEndpointAsync(string tenantId, Uri url, IReadOnlyList<string> events, CancellationToken ct = default)
    {
        var endpoint = new WebhookEndpoint(tenantId, "we" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), url, events, time.GetUtcNow());
        var secret = WebhookSecrets.NewSecret();
        await tables.Webhooks.AddEntityAsync(
            new TableEntity(tenantId, EndpointPrefix + endpoint.Id)
            {
                ["Url"] = url.AbsoluteUri,
                ["Events"] = string.Join(',', events),
                ["CreatedAt"] = endpoint.CreatedAt,
                ["Secret"] = secrets.Seal(tenantId, endpoint.Id, secret),
            },
            ct).ConfigureAwait(false);
        _endpointsForCalls.Remove(tenantId);
        return (endpoint, secret);
    }

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string tenantId, CancellationToken ct = default)
    {
        var result = new List<WebhookEndpoint>();
        await foreach (var e in tables.Webhooks.QueryAsync<TableEntity>(TableFilters.Prefix(tenantId, EndpointPrefix), cancellationToken: ct).ConfigureAwait(false))
        {
            result.Add(ToEndpoint(e));
        }

        return result;
    }

    /// <summary>
    /// The endpoints as finished calls see them: listed at most once per <see cref="EndpointsForCallsTtl"/> per tenant
    /// (most tenants have none, and every call would otherwise query for them), dropped when an endpoint is created or
    /// deleted here. An endpoint created on another instance is seen by calls that finish after the TTL; the API
    /// lists with <see cref="ListEndpointsAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsForCallsAsync(string tenantId, CancellationToken ct = default)
    {
        var now = time.GetTimestamp();
        if (_endpointsForCalls.TryGetValue(tenantId, out var known) && time.GetElapsedTime(known.ListedAt, now) < EndpointsForCallsTtl)
        {
            return known.Endpoints;
        }

        var endpoints = await ListEndpointsAsync(tenantId, ct).ConfigureAwait(false);
        _endpointsForCalls.Set(tenantId, (endpoints, now));
        return endpoints;
    }

    public async Task<WebhookEndpoint?> GetEndpointAsync(string tenantId, string endpointId, CancellationToken ct = default) =>
        await ReadAsync(tenantId, EndpointPrefix + endpointId, ct).ConfigureAwait(false) is { } e ? ToEndpoint(e) : null;

    /// <summary>False when the tenant has no such endpoint. Its deliveries stay listed; pending ones end failed at their next attempt.</summary>
    public async Task<bool> DeleteEndpointAsync(string tenantId, string endpointId, CancellationToken ct = default)
    {
        var response = await tables.Webhooks.DeleteEntityAsync(tenantId, EndpointPrefix + endpointId, ETag.All, ct).ConfigureAwait(false);
        _endpointsForCalls.Remove(tenantId);
        return response.Status != 404;
    }

    /// <summary>A new secret for the endpoint; the one it replaces keeps signing for the grace period. Null for no such endpoint.</summary>
    public async Task<string?> RotateSecretAsync(string tenantId, string endpointId, TimeSpan grace, CancellationToken ct = default)
    {
        var secret = WebhookSecrets.NewSecret();
        var now = time.GetUtcNow();
        var changed = await OptimisticUpdate.RunAsync(
            tables.Webhooks, tenantId, EndpointPrefix + endpointId, e => e,
            e =>
            {
                e["PreviousSecret"] = e.GetString("Secret");
                e["PreviousSecretUntil"] = now + grace;
                e["Secret"] = secrets.Seal(tenantId, endpointId, secret);
                return e;
            },
            e => e, ct).ConfigureAwait(false);
        return changed is null ? null : secret;
    }

    /// <summary>The endpoint and the secrets that sign for it now (current first); null when it is gone.</summary>
    public async Task<(WebhookEndpoint Endpoint, IReadOnlyList<string> Secrets)?> GetSigningAsync(string tenantId, string endpointId, CancellationToken ct = default)
    {
        if (await ReadAsync(tenantId, EndpointPrefix + endpointId, ct).ConfigureAwait(false) is not { } e)
        {
            return null;
        }

        // A secret sealed under an admin key since rotated does not open: it signs nothing (empty when none opens).
        var live = new List<string>();
        if (TryOpen(tenantId, endpointId, e.GetString("Secret")) is { } current)
        {
            live.Add(current);
        }

        if (e.GetDateTimeOffset("PreviousSecretUntil") > time.GetUtcNow() && TryOpen(tenantId, endpointId, e.GetString("PreviousSecret")) is { } previous)
        {
            live.Add(previous);
        }

        return (ToEndpoint(e), live);
    }

    /// <summary>
    /// A delivery id: inverted ticks of <paramref name="createdAt"/> (newest sorts first), then a suffix that is
    /// derived from <paramref name="seed"/> when given (the same delivery whoever asks again) or random.
    /// </summary>
    public static string DeliveryId(DateTimeOffset createdAt, string? seed)
    {
        var suffix = seed is null
            ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))
            : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[..12];
        return "wd" + (DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + suffix;
    }

    /// <summary>Adds the delivery unless one of its id exists; returns the stored one.</summary>
    public async Task<WebhookDelivery> CreateDeliveryIfMissingAsync(WebhookDelivery delivery, CancellationToken ct = default)
    {
        try
        {
            await tables.Webhooks.AddEntityAsync(ToEntity(delivery), ct).ConfigureAwait(false);
            return delivery;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return await GetDeliveryAsync(delivery.TenantId, delivery.Id, ct).ConfigureAwait(false) ?? delivery;
        }
    }

    public async Task<WebhookDelivery?> GetDeliveryAsync(string tenantId, string deliveryId, CancellationToken ct = default) =>
        await ReadAsync(tenantId, DeliveryPrefix + deliveryId, ct).ConfigureAwait(false) is { } e ? ToDelivery(e) : null;

    public Task<Storage.Page<WebhookDelivery>> ListDeliveriesAsync(string tenantId, string? continuation, int limit, CancellationToken ct = default) =>
        Pages.ReadAsync(tables.Webhooks, TableFilters.Prefix(tenantId, DeliveryPrefix), continuation, limit, ToDelivery, ct);

    /// <summary>Records an attempt (again the same number replaces it, for an activity run twice) and the status it leads to.</summary>
    public Task<WebhookDelivery?> RecordAttemptAsync(string tenantId, string deliveryId, WebhookAttempt attempt, WebhookDeliveryStatus status, CancellationToken ct = default) =>
        OptimisticUpdate.RunAsync(
            tables.Webhooks, tenantId, DeliveryPrefix + deliveryId, ToDelivery,
            d => d with
            {
                Attempts = [.. d.Attempts.Where(a => a.Number != attempt.Number), attempt],
                Status = status,
                DeliveredAt = status == WebhookDeliveryStatus.Delivered ? attempt.At : d.DeliveredAt,
            },
            ToEntity, ct);

    private string? TryOpen(string tenantId, string endpointId, string? sealedSecret)
    {
        try
        {
            return sealedSecret is null ? null : secrets.Open(tenantId, endpointId, sealedSecret);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private async Task<TableEntity?> ReadAsync(string tenantId, string rowKey, CancellationToken ct)
    {
        var found = await tables.Webhooks.GetEntityIfExistsAsync<TableEntity>(tenantId, rowKey, cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    private static WebhookEndpoint ToEndpoint(TableEntity e) => new(
        e.PartitionKey,
        e.RowKey[EndpointPrefix.Length..],
        new Uri(e.GetString("Url")!),
        (e.GetString("Events") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
        e.GetDateTimeOffset("CreatedAt") ?? default);

    private static TableEntity ToEntity(WebhookDelivery d) => new(d.TenantId, DeliveryPrefix + d.Id)
    {
        ["EndpointId"] = d.EndpointId,
        ["EventId"] = d.EventId,
        ["EventType"] = d.EventType,
        ["CallId"] = d.CallId,
        ["Payload"] = d.Payload,
        ["Status"] = d.Status.ToString(),
        ["Attempts"] = JsonSerializer.Serialize(d.Attempts),
        ["CreatedAt"] = d.CreatedAt,
        ["DeliveredAt"] = d.DeliveredAt,
    };

    private static WebhookDelivery ToDelivery(TableEntity e) => new()
    {
        TenantId = e.PartitionKey,
        Id = e.RowKey[DeliveryPrefix.Length..],
        EndpointId = e.GetString("EndpointId") ?? "",
        EventId = e.GetString("EventId") ?? "",
        EventType = e.GetString("EventType") ?? "",
        CallId = e.GetString("CallId"),
        Payload = e.GetString("Payload") ?? "",
        Status = Enum.TryParse<WebhookDeliveryStatus>(e.GetString("Status"), out var s) ? s : WebhookDeliveryStatus.Pending,
        Attempts = JsonSerializer.Deserialize<List<WebhookAttempt>>(e.GetString("Attempts") ?? "[]") ?? [],
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        DeliveredAt = e.GetDateTimeOffset("DeliveredAt"),
    };
}
