using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Tenants;

/// <summary>Tenants and the phone-number routes that find a tenant from a called number.</summary>
public sealed class TenantStore(CallCenterTables tables)
{
    private const string TenantRow = "tenant";
    private const string VoiceChannel = "voice";
    private const string WhatsAppChannel = "whatsapp";
    private const string MetaChannel = "meta";

    public async Task<Tenant?> GetAsync(string tenantId, CancellationToken ct = default)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            return null;
        }

        var found = await tables.Tenants.GetEntityIfExistsAsync<TableEntity>(tenantId, TenantRow, cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue && found.Value is not null ? ToTenant(found.Value) : null;
    }

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken ct = default)
    {
        var result = new List<Tenant>();
        await foreach (var e in tables.Tenants.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {TenantRow}"), cancellationToken: ct)
            .ConfigureAwait(false))
        {
            result.Add(ToTenant(e));
        }

        return result;
    }

    /// <summary>
    /// Creates or replaces a tenant and claims its numbers. A number owned by another tenant fails the save
    /// before anything of this tenant changes; numbers the tenant no longer lists are released.
    /// </summary>
    public async Task SaveAsync(Tenant tenant, CancellationToken ct = default)
    {
        try
        {
            await SaveRoutesAndTenantAsync(tenant, ct).ConfigureAwait(false);
        }
        finally
        {
            // Even a save that failed half-way may have moved routes.
            Saved?.Invoke();
        }
    }

    /// <summary>Raised after every save, whether or not it completed, for caches of tenants and routes.</summary>
    public event Action? Saved;

    private async Task SaveRoutesAndTenantAsync(Tenant tenant, CancellationToken ct)
    {
        var previous = await GetAsync(tenant.Id, ct).ConfigureAwait(false);
        var wanted = Routes(tenant).ToHashSet();
        foreach (var (number, channel) in wanted)
        {
            await ClaimAsync(tenant.Id, number, channel, ct).ConfigureAwait(false);
        }

        await tables.Tenants.UpsertEntityAsync(ToEntity(tenant), TableUpdateMode.Replace, ct).ConfigureAwait(false);

        foreach (var (number, channel) in previous is null ? [] : Routes(previous).Where(r => !wanted.Contains(r)))
        {
            await tables.PhoneRoutes.DeleteEntityAsync(number, channel, ETag.All, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The tenant that owns a voice number, or null. Only numbers the tenant still lists count.</summary>
    public Task<Tenant?> FindByVoiceNumberAsync(string number, CancellationToken ct = default) =>
        FindAsync(number, VoiceChannel, t => t.VoiceNumbers.Contains(number), ct);

    public Task<Tenant?> FindByWhatsAppNumberAsync(string number, CancellationToken ct = default) =>
        FindAsync(number, WhatsAppChannel, t => t.WhatsAppNumber == number, ct);

    /// <summary>The tenant whose WhatsApp number Meta names by this phone_number_id, or null.</summary>
    public Task<Tenant?> FindByMetaPhoneNumberIdAsync(string phoneNumberId, CancellationToken ct = default) =>
        phoneNumberId.Length is > 0 and <= 30 && phoneNumberId.All(char.IsAsciiDigit)
            ? FindRouteAsync(phoneNumberId, MetaChannel, t => t.MetaPhoneNumberId == phoneNumberId, ct)
            : Task.FromResult<Tenant?>(null);

    private Task<Tenant?> FindAsync(string number, string channel, Func<Tenant, bool> owns, CancellationToken ct) =>
        PhoneNumbers.IsE164(number) ? FindRouteAsync(number, channel, owns, ct) : Task.FromResult<Tenant?>(null);

    private async Task<Tenant?> FindRouteAsync(string number, string channel, Func<Tenant, bool> owns, CancellationToken ct)
    {

        var route = await tables.PhoneRoutes.GetEntityIfExistsAsync<TableEntity>(number, channel, cancellationToken: ct)
            .ConfigureAwait(false);
        if (!route.HasValue || route.Value?.GetString("TenantId") is not { } tenantId)
        {
            return null;
        }

        // A route can outlive its tenant's list after a crash mid-save; the tenant row is the truth.
        var tenant = await GetAsync(tenantId, ct).ConfigureAwait(false);
        return tenant is not null && owns(tenant) ? tenant : null;
    }

    private async Task ClaimAsync(string tenantId, string number, string channel, CancellationToken ct)
    {
        try
        {
            var route = new TableEntity(number, channel) { ["TenantId"] = tenantId };
            await tables.PhoneRoutes.AddEntityAsync(route, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            var existing = await tables.PhoneRoutes.GetEntityAsync<TableEntity>(number, channel, cancellationToken: ct)
                .ConfigureAwait(false);
            var owner = existing.Value.GetString("TenantId");
            if (owner == tenantId)
            {
                return;
            }

            // A route whose owner no longer lists the number was left by an interrupted save: take it over.
            var ownerTenant = owner is null ? null : await GetAsync(owner, ct).ConfigureAwait(false);
            var stillOwned = ownerTenant is not null && Routes(ownerTenant).Contains((number, channel));
            if (stillOwned)
            {
                throw new NumberClaimedException(number);
            }

            existing.Value["TenantId"] = tenantId;
            await tables.PhoneRoutes.UpdateEntityAsync(existing.Value, existing.Value.ETag, TableUpdateMode.Replace, ct)
                .ConfigureAwait(false);
        }
    }

    private static IEnumerable<(string Number, string Channel)> Routes(Tenant tenant)
    {
        foreach (var number in tenant.VoiceNumbers)
        {
            yield return (number, VoiceChannel);
        }

        if (tenant.WhatsAppNumber is { } whatsApp)
        {
            yield return (whatsApp, WhatsAppChannel);
        }

        // Meta's phone_number_id is claimed like a number, so two tenants cannot receive the same messages.
        if (tenant.MetaPhoneNumberId is { } metaId)
        {
            yield return (metaId, MetaChannel);
        }
    }

    private static TableEntity ToEntity(Tenant t) => new(t.Id, TenantRow)
    {
        ["Name"] = t.Name,
        ["VoiceNumbers"] = string.Join(',', t.VoiceNumbers),
        ["WhatsAppNumber"] = t.WhatsAppNumber,
        ["MetaPhoneNumberId"] = t.MetaPhoneNumberId,
        ["WhatsAppVerifyToken"] = t.WhatsAppVerifyToken,
        ["Language"] = t.Language,
        ["Voice"] = t.Voice,
        ["TimeZone"] = t.TimeZone,
        ["TranscriptionPolicy"] = t.TranscriptionPolicy.ToString(),
        ["RecordingRetentionDays"] = t.RecordingRetentionDays,
        ["UnrecordedNumbers"] = string.Join(',', t.UnrecordedNumbers),
        ["DeleteRecordingFromTwilio"] = t.DeleteRecordingFromTwilio,
        ["MaxCallSeconds"] = t.MaxCallSeconds,
        ["TransferNumbers"] = string.Join(',', t.TransferNumbers),
        ["TransferHours"] = t.TransferHours?.ToString(),
        ["CallingHours"] = t.CallingHours?.ToString(),
        ["VoicemailMessage"] = t.VoicemailMessage,
        ["SilenceRepromptSeconds"] = t.SilenceRepromptSeconds,
        ["SilenceGoodbyeSeconds"] = t.SilenceGoodbyeSeconds,
        ["DeleteTranscriptsOnRetention"] = t.DeleteTranscriptsOnRetention,
    };

    private static Tenant ToTenant(TableEntity e) => new()
    {
        Id = e.PartitionKey,
        Name = e.GetString("Name") ?? "",
        VoiceNumbers = (e.GetString("VoiceNumbers") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
        WhatsAppNumber = e.GetString("WhatsAppNumber"),
        MetaPhoneNumberId = e.GetString("MetaPhoneNumberId"),
        WhatsAppVerifyToken = e.GetString("WhatsAppVerifyToken"),
        Language = e.GetString("Language") ?? "en-US",
        Voice = e.GetString("Voice") ?? "alloy",
        TimeZone = e.GetString("TimeZone") ?? "UTC",
        TranscriptionPolicy = Enum.TryParse<TranscriptionPolicy>(e.GetString("TranscriptionPolicy"), out var p)
            ? p
            : TranscriptionPolicy.FallbackToRecording,
        RecordingRetentionDays = e.GetInt32("RecordingRetentionDays") ?? 90,
        UnrecordedNumbers = (e.GetString("UnrecordedNumbers") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
        DeleteRecordingFromTwilio = e.GetBoolean("DeleteRecordingFromTwilio") ?? false,
        MaxCallSeconds = e.GetInt32("MaxCallSeconds") ?? Tenant.DefaultMaxCallSeconds,
        TransferNumbers = (e.GetString("TransferNumbers") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
        TransferHours = Hours(e.GetString("TransferHours")),
        CallingHours = Hours(e.GetString("CallingHours")),
        VoicemailMessage = e.GetString("VoicemailMessage"),
        SilenceRepromptSeconds = e.GetInt32("SilenceRepromptSeconds") ?? 8,
        SilenceGoodbyeSeconds = e.GetInt32("SilenceGoodbyeSeconds") ?? 12,
        DeleteTranscriptsOnRetention = e.GetBoolean("DeleteTranscriptsOnRetention") ?? false,
    };

    private static WeeklyHours? Hours(string? text) => text is null ? null : WeeklyHours.Parse(text);
}
