using CallCenter.Core.Auth;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

/// <summary>Tenants and their numbers (admin key), and each tenant's API keys.</summary>
public static class TenantEndpoints
{
    public sealed record TenantBody(
        string? Id,
        string? Name,
        IReadOnlyList<string>? VoiceNumbers,
        string? WhatsAppNumber,
        string? MetaPhoneNumberId,
        string? WhatsAppVerifyToken,
        string? Language,
        string? Voice,
        string? TimeZone,
        TranscriptionPolicy? TranscriptionPolicy,
        int? RecordingRetentionDays,
        IReadOnlyList<string>? UnrecordedNumbers,
        bool? DeleteRecordingFromTwilio,
        int? MaxCallSeconds);

    public sealed record KeyBody(string? Name, IReadOnlyList<string?>? Scopes);

    public static async Task<IResult> CreateAsync(HttpRequest request)
    {
        if (await CrmAccess.AdminAsync(request) is { } denied)
        {
            return denied;
        }

        var (body, error) = await CrmAccess.ReadJsonAsync<TenantBody>(request);
        if (body is null)
        {
            return error!;
        }

        var tenant = ToTenant(body.Id ?? "", body);
        if (tenant.Validate() is { Count: > 0 } errors)
        {
            return CrmAccess.Invalid(errors);
        }

        var store = request.Service<TenantStore>();
        if (await store.GetAsync(tenant.Id, request.Aborted()) is not null)
        {
            return CrmAccess.Conflict($"tenant {tenant.Id} exists");
        }

        return await SaveAsync(request, store, tenant, created: true);
    }

    public static async Task<IResult> ListAsync(HttpRequest request)
    {
        if (await CrmAccess.AdminAsync(request) is { } denied)
        {
            return denied;
        }

        var tenants = await request.Service<TenantStore>().ListAsync(request.Aborted());
        return CrmAccess.Ok(new { items = tenants.Select(Shape).ToList() });
    }

    public static async Task<IResult> GetAsync(HttpRequest request, string tenantId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        return tenant is null ? error! : CrmAccess.Ok(Shape(tenant));
    }

    /// <summary>Replaces the tenant (admin only; a tenant's own key sees 403, others 404).</summary>
    public static async Task<IResult> PutAsync(HttpRequest request, string tenantId)
    {
        var (principal, error) = await CrmAccess.AuthenticateAsync(request);
        if (principal is null)
        {
            return error!;
        }

        if (!principal.IsAdmin)
        {
            return principal.CanAccess(tenantId) ? Results.Problem(statusCode: 403, title: "Only the operator changes tenants") : CrmAccess.NotFound();
        }

        var (body, bodyError) = await CrmAccess.ReadJsonAsync<TenantBody>(request);
        if (body is null)
        {
            return bodyError!;
        }

        if (body.Id is not null && body.Id != tenantId)
        {
            return CrmAccess.Invalid("id cannot change");
        }

        var tenant = ToTenant(tenantId, body);
        if (tenant.Validate() is { Count: > 0 } errors)
        {
            return CrmAccess.Invalid(errors);
        }

        var store = request.Service<TenantStore>();
        var created = await store.GetAsync(tenantId, request.Aborted()) is null;
        return await SaveAsync(request, store, tenant, created);
    }

    /// <summary>Only the admin key or a key with the "keys" scope issues keys; only the admin grants that scope.</summary>
    public static async Task<IResult> CreateKeyAsync(HttpRequest request, string tenantId)
    {
        var (tenant, principal, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        if (!principal!.ManagesKeys)
        {
            return Forbidden("This key cannot issue keys: ask the operator for a key with the \"keys\" scope.");
        }

        var (body, bodyError) = await CrmAccess.ReadJsonAsync<KeyBody>(request);
        if (body is null)
        {
            return bodyError!;
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 100)
        {
            return CrmAccess.Invalid("name is required (at most 100 characters)");
        }

        var scopes = body.Scopes ?? [];
        if (scopes.Any(s => s != ApiKeyService.KeysScope))
        {
            return CrmAccess.Invalid($"scopes may only hold \"{ApiKeyService.KeysScope}\"");
        }

        var managesKeys = scopes.Count > 0;
        if (managesKeys && !principal.IsAdmin)
        {
            return Forbidden($"Only the operator grants the \"{ApiKeyService.KeysScope}\" scope.");
        }

        var issued = await request.Service<ApiKeyService>().IssueAsync(tenant.Id, body.Name, managesKeys, request.Aborted());
        return CrmAccess.Created(
            $"/api/tenants/{tenant.Id}/keys/{issued.Info.KeyId}",
            new { keyId = issued.Info.KeyId, name = issued.Info.Name, scopes = Scopes(issued.Info), createdAt = issued.Info.CreatedAt, key = issued.Key });
    }

    public static async Task<IResult> ListKeysAsync(HttpRequest request, string tenantId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        var keys = await request.Service<ApiKeyService>().ListAsync(tenant.Id, request.Aborted());
        return CrmAccess.Ok(new { items = keys.Select(k => new { keyId = k.KeyId, name = k.Name, scopes = Scopes(k), createdAt = k.CreatedAt, revokedAt = k.RevokedAt }).ToList() });
    }

    public static async Task<IResult> RevokeKeyAsync(HttpRequest request, string tenantId, string keyId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        if (CrmAccess.BadIds(("keyId", keyId)) is { } bad)
        {
            return bad;
        }

        var valid = keyId.Length == 12 && keyId.All(char.IsAsciiHexDigitLower);
        return valid && await request.Service<ApiKeyService>().RevokeAsync(tenant.Id, keyId, request.Aborted())
            ? Results.NoContent()
            : CrmAccess.NotFound();
    }

    private static string[] Scopes(ApiKeyInfo key) => key.ManagesKeys ? [ApiKeyService.KeysScope] : [];

    private static IResult Forbidden(string detail) => Results.Problem(statusCode: 403, title: "Forbidden", detail: detail);

    private static async Task<IResult> SaveAsync(HttpRequest request, TenantStore store, Tenant tenant, bool created)
    {
        try
        {
            await store.SaveAsync(tenant, request.Aborted());
        }
        catch (NumberClaimedException e)
        {
            return CrmAccess.Conflict(e.Message);
        }

        return created ? CrmAccess.Created($"/api/tenants/{tenant.Id}", Shape(tenant)) : CrmAccess.Ok(Shape(tenant));
    }

    private static Tenant ToTenant(string id, TenantBody b)
    {
        var defaults = new Tenant { Id = id, Name = "" };
        return defaults with
        {
            Name = b.Name ?? "",
            VoiceNumbers = b.VoiceNumbers ?? [],
            WhatsAppNumber = b.WhatsAppNumber,
            MetaPhoneNumberId = b.MetaPhoneNumberId,
            WhatsAppVerifyToken = b.WhatsAppVerifyToken,
            Language = b.Language ?? defaults.Language,
            Voice = b.Voice ?? defaults.Voice,
            TimeZone = b.TimeZone ?? defaults.TimeZone,
            TranscriptionPolicy = b.TranscriptionPolicy ?? defaults.TranscriptionPolicy,
            RecordingRetentionDays = b.RecordingRetentionDays ?? defaults.RecordingRetentionDays,
            UnrecordedNumbers = b.UnrecordedNumbers ?? [],
            DeleteRecordingFromTwilio = b.DeleteRecordingFromTwilio ?? false,
            MaxCallSeconds = b.MaxCallSeconds ?? defaults.MaxCallSeconds,
        };
    }

    // The verify token is a secret shared with Meta: say whether one is set, never echo it.
    private static object Shape(Tenant t) => new
    {
        id = t.Id,
        name = t.Name,
        voiceNumbers = t.VoiceNumbers,
        whatsAppNumber = t.WhatsAppNumber,
        metaPhoneNumberId = t.MetaPhoneNumberId,
        hasWhatsAppVerifyToken = t.WhatsAppVerifyToken is not null,
        language = t.Language,
        voice = t.Voice,
        timeZone = t.TimeZone,
        transcriptionPolicy = t.TranscriptionPolicy.ToString(),
        recordingRetentionDays = t.RecordingRetentionDays,
        unrecordedNumbers = t.UnrecordedNumbers,
        deleteRecordingFromTwilio = t.DeleteRecordingFromTwilio,
        maxCallSeconds = t.MaxCallSeconds,
    };
}
