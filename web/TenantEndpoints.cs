using CallCenter.Core.Auth;
using CallCenter.Core.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

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
        int? MaxCallSeconds,
        IReadOnlyList<string>? TransferNumbers,
        string? TransferHours,
        string? CallingHours,
        string? VoicemailMessage,
        int? SilenceRepromptSeconds,
        int? SilenceGoodbyeSeconds,
        bool? DeleteTranscriptsOnRetention);

    public sealed record KeyBody(string? Name, IReadOnlyList<string?>? Scopes);

    public static async Task<Results<CrmCreated<TenantView>, BadRequestProblem, ConflictProblem, BodyRefusal>> CreateAsync(
        AdminScope scope, CrmBody<TenantBody> request, TenantStore store)
    {
        var (body, refusal) = await request.ReadAsync();
        if (body is null)
        {
            return refusal!;
        }

        var (tenant, errors) = ToTenant(body.Id ?? "", body);
        if (errors.Count > 0)
        {
            return CrmAccess.Invalid(errors);
        }

        if (await store.GetAsync(tenant.Id, scope.Aborted) is not null)
        {
            return new ConflictProblem($"tenant {tenant.Id} exists");
        }

        return await SaveAsync(store, tenant, scope.Aborted) is { } conflict ? conflict : Created(tenant);
    }

    public static async Task<CrmOk<ItemList<TenantView>>> ListAsync(AdminScope scope, TenantStore store)
    {
        var tenants = await store.ListAsync(scope.Aborted);
        return new(new([.. tenants.Select(TenantView.Of)]));
    }

    public static Task<CrmOk<TenantView>> GetAsync(TenantScope scope) => Task.FromResult(new CrmOk<TenantView>(TenantView.Of(scope.Tenant)));

    /// <summary>Replaces the tenant, or creates it (operator only).</summary>
    public static async Task<Results<CrmOk<TenantView>, CrmCreated<TenantView>, BadRequestProblem, ConflictProblem, BodyRefusal>> PutAsync(
        AdminScope scope, string tenantId, CrmBody<TenantBody> request, TenantStore store)
    {
        var (body, refusal) = await request.ReadAsync();
        if (body is null)
        {
            return refusal!;
        }

        if (body.Id is not null && body.Id != tenantId)
        {
            return CrmAccess.Invalid("id cannot change");
        }

        var (tenant, errors) = ToTenant(tenantId, body);
        if (errors.Count > 0)
        {
            return CrmAccess.Invalid(errors);
        }

        var created = await store.GetAsync(tenantId, scope.Aborted) is null;
        return await SaveAsync(store, tenant, scope.Aborted) is { } conflict ? conflict
            : created ? Created(tenant)
            : new CrmOk<TenantView>(TenantView.Of(tenant));
    }

    /// <summary>Only the admin key or a key with the "keys" scope issues keys; only the admin grants that scope.</summary>
    public static async Task<Results<CrmCreated<IssuedKeyView>, BadRequestProblem, ForbiddenProblem, BodyRefusal>> CreateKeyAsync(
        TenantScope scope, CrmBody<KeyBody> request, ApiKeyService keys)
    {
        if (!scope.Principal.ManagesKeys)
        {
            return Forbidden("This key cannot issue keys: ask the operator for a key with the \"keys\" scope.");
        }

        var (body, refusal) = await request.ReadAsync();
        if (body is null)
        {
            return refusal!;
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
        if (managesKeys && !scope.Principal.IsAdmin)
        {
            return Forbidden($"Only the operator grants the \"{ApiKeyService.KeysScope}\" scope.");
        }

        var issued = await keys.IssueAsync(scope.Tenant.Id, body.Name, managesKeys, scope.Aborted);
        return new CrmCreated<IssuedKeyView>($"/api/tenants/{scope.Tenant.Id}/keys/{issued.Info.KeyId}", IssuedKeyView.Of(issued));
    }

    public static async Task<CrmOk<ItemList<KeyView>>> ListKeysAsync(TenantScope scope, ApiKeyService keys)
    {
        var listed = await keys.ListAsync(scope.Tenant.Id, scope.Aborted);
        return new(new([.. listed.Select(KeyView.Of)]));
    }

    public static async Task<Results<NoContent, BadRequestProblem, NotFoundProblem>> RevokeKeyAsync(TenantScope scope, string keyId, ApiKeyService keys)
    {
        if (CrmAccess.BadIds(("keyId", keyId)) is { } bad)
        {
            return bad;
        }

        var valid = keyId.Length == 12 && keyId.All(char.IsAsciiHexDigitLower);
        return valid && await keys.RevokeAsync(scope.Tenant.Id, keyId, scope.Aborted) ? TypedResults.NoContent() : new NotFoundProblem();
    }

    private static ForbiddenProblem Forbidden(string detail) => new("Forbidden", detail);

    private static CrmCreated<TenantView> Created(Tenant tenant) => new($"/api/tenants/{tenant.Id}", TenantView.Of(tenant));

    /// <summary>Saves the tenant; the conflict when one of its numbers belongs to another tenant.</summary>
    private static async Task<ConflictProblem?> SaveAsync(TenantStore store, Tenant tenant, CancellationToken ct)
    {
        try
        {
            await store.SaveAsync(tenant, ct);
            return null;
        }
        catch (NumberClaimedException e)
        {
            return new ConflictProblem(e.Message);
        }
    }

    /// <summary>The tenant the body describes, and every problem with it (hours that do not parse among them).</summary>
    private static (Tenant Tenant, IReadOnlyList<string> Errors) ToTenant(string id, TenantBody b)
    {
        var errors = new List<string>();
        var defaults = new Tenant { Id = id, Name = "" };
        var tenant = defaults with
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
            TransferNumbers = b.TransferNumbers ?? [],
            TransferHours = Hours(b.TransferHours, "transfer hours", errors),
            CallingHours = Hours(b.CallingHours, "calling hours", errors),
            VoicemailMessage = b.VoicemailMessage,
            SilenceRepromptSeconds = b.SilenceRepromptSeconds ?? defaults.SilenceRepromptSeconds,
            SilenceGoodbyeSeconds = b.SilenceGoodbyeSeconds ?? defaults.SilenceGoodbyeSeconds,
            DeleteTranscriptsOnRetention = b.DeleteTranscriptsOnRetention ?? false,
        };
        return (tenant, [.. errors, .. tenant.Validate()]);
    }

    private static WeeklyHours? Hours(string? text, string name, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (!WeeklyHours.TryParse(text, out var hours, out var error))
        {
            errors.Add($"{name}: {error}");
        }

        return hours;
    }
}
