using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Crm;

/// <summary>
/// Leads live in their tenant's partition beside a phone row per lead; both are written in one
/// transaction, so two callers racing to create a lead for the same number end up with one.
/// </summary>
public sealed class LeadStore(CallCenterTables tables, TimeProvider time)
{
    private const string LeadPrefix = "lead|";
    private const string PhonePrefix = "phone|";

    // Far above the numbers calling one instance in a while.
    private const int MaxRememberedPhones = 20_000;

    // Leads are never deleted and a lead's phone never changes, so a number's lead id, once it exists, is fixed.
    private readonly BoundedMemo<(string TenantId, string Phone), string> _leadIdByPhone = new(MaxRememberedPhones);

    // Leads as this process last updated or read them for an update, with their ETags (the call workflow's summaries).
    // Below Azure Tables' 64 KiB per string property (UTF-16), with room for the rest of the row.
    internal const int MaxNotesLength = 30_000;

    private readonly RememberedRows _written = new(MaxRememberedPhones);

    // Calls of one lead finishing together each update it: queued in this process, each replace starts from the last.
    private readonly RowGate _gate = new();

    public async Task<Lead?> GetAsync(string tenantId, string leadId, CancellationToken ct = default)
    {
        var found = await tables.Leads.GetEntityIfExistsAsync<TableEntity>(tenantId, LeadPrefix + leadId, cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue && found.Value is not null ? ToLead(found.Value) : null;
    }

    public async Task<Lead?> FindByPhoneAsync(string tenantId, string phone, CancellationToken ct = default)
    {
        var index = await tables.Leads.GetEntityIfExistsAsync<TableEntity>(tenantId, PhonePrefix + phone, cancellationToken: ct)
            .ConfigureAwait(false);
        return index.HasValue && index.Value?.GetString("LeadId") is { } leadId
            ? await GetAsync(tenantId, leadId, ct).ConfigureAwait(false)
            : null;
    }

    /// <summary>The tenant's lead for this number, created when there is none.</summary>
    public async Task<(Lead Lead, bool Created)> GetOrCreateByPhoneAsync(
        string tenantId, string phone, string source, string? name = null, CancellationToken ct = default)
    {
        var existing = await FindByPhoneAsync(tenantId, phone, ct).ConfigureAwait(false);
        if (existing is not null)
        {
            return (existing, false);
        }

        var now = time.GetUtcNow();
        var lead = new Lead
        {
            TenantId = tenantId,
            Id = "ld" + Guid.CreateVersion7(now).ToString("N")[..20],
            Phone = phone,
            Name = name,
            Source = source,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await tables.Leads.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, ToEntity(lead)),
                    new TableTransactionAction(
                        TableTransactionActionType.Add,
                        new TableEntity(tenantId, PhonePrefix + phone) { ["LeadId"] = lead.Id }),
                ],
                ct).ConfigureAwait(false);
            return (lead, true);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            var winner = await FindByPhoneAsync(tenantId, phone, ct).ConfigureAwait(false);
            return (winner ?? throw new InvalidOperationException($"Lead for {phone} vanished while being created."), false);
        }
    }

    /// <summary>
    /// The id of the tenant's lead for this number, created when there is none: what a call links. Remembered,
    /// so a caller who calls again costs no read.
    /// </summary>
    public async Task<string> GetOrCreateIdByPhoneAsync(string tenantId, string phone, string source, CancellationToken ct = default)
    {
        if (_leadIdByPhone.TryGetValue((tenantId, phone), out var known))
        {
            return known;
        }

        var index = await tables.Leads.GetEntityIfExistsAsync<TableEntity>(tenantId, PhonePrefix + phone, cancellationToken: ct)
            .ConfigureAwait(false);
        var leadId = index.HasValue && index.Value?.GetString("LeadId") is { } id
            ? id
            : (await GetOrCreateByPhoneAsync(tenantId, phone, source, ct: ct).ConfigureAwait(false)).Lead.Id;
        _leadIdByPhone.Set((tenantId, phone), leadId);
        return leadId;
    }

    /// <summary>Applies a change to a lead under its ETag; null when the tenant has no such lead.</summary>
    /// <remarks>
    /// A change that writes starts from the lead as this process last wrote it (one conditional replace, no read; a
    /// lead changed elsewhere fails it and is read again). A change that finds nothing to do on that copy is checked
    /// against the lead as stored, since a lead's fields move both ways (the CRM edits them).
    /// </remarks>
    public async Task<Lead?> UpdateAsync(string tenantId, string leadId, Func<Lead, Lead> change, CancellationToken ct = default)
    {
        Lead? Apply(Lead lead)
        {
            // Identity fields are not the caller's to change.
            var next = change(lead) with { TenantId = lead.TenantId, Id = lead.Id, Phone = lead.Phone, UpdatedAt = lead.UpdatedAt };
            next = next with { Notes = LatestNotes(next.Notes) };
            return next == lead ? null : next with { UpdatedAt = time.GetUtcNow() };
        }

        using var turn = await _gate.EnterAsync(tenantId, LeadPrefix + leadId, ct).ConfigureAwait(false);
        var writes = _written.TryGet(tenantId, LeadPrefix + leadId) is { } copy && Apply(ToLead(copy)) is not null;
        return await OptimisticUpdate.RunAsync(tables.Leads, tenantId, LeadPrefix + leadId, ToLead, Apply, ToEntity, ct, _written, startFromRemembered: writes).ConfigureAwait(false);
    }

    /// <summary>
    /// A lead's notes within one table property (at most 32K UTF-16 characters): every call's summary adds a line,
    /// so a lead with hundreds of calls would outgrow it and fail every later update. The oldest whole lines go;
    /// the latest ones, which a retried summary looks for its call's marker in, stay.
    /// </summary>
    internal static string? LatestNotes(string? notes)
    {
        if (notes is null || notes.Length <= MaxNotesLength)
        {
            return notes;
        }

        var tail = notes[^MaxNotesLength..];
        var lineStart = tail.IndexOf('\n');
        return lineStart >= 0 ? tail[(lineStart + 1)..] : tail;
    }

    public async Task<IReadOnlyList<Lead>> ListAsync(string tenantId, CancellationToken ct = default)
    {
        var result = new List<Lead>();
        var query = tables.Leads.QueryAsync<TableEntity>(TableFilters.Prefix(tenantId, LeadPrefix), cancellationToken: ct);
        await foreach (var e in query.ConfigureAwait(false))
        {
            result.Add(ToLead(e));
        }

        return result;
    }

    /// <summary>A page of the tenant's leads in id order (ids sort by creation), optionally of one status.</summary>
    public Task<Page<Lead>> ListPageAsync(string tenantId, string? status, string? continuation, int limit, CancellationToken ct = default)
    {
        var filter = TableFilters.Prefix(tenantId, LeadPrefix);
        if (status is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        }

        return Pages.ReadAsync(tables.Leads, filter, continuation, limit, ToLead, ct);
    }

    private static TableEntity ToEntity(Lead l) => new(l.TenantId, LeadPrefix + l.Id)
    {
        ["Phone"] = l.Phone,
        ["Name"] = l.Name,
        ["Status"] = l.Status,
        ["Source"] = l.Source,
        ["Notes"] = l.Notes,
        ["CreatedAt"] = l.CreatedAt,
        ["UpdatedAt"] = l.UpdatedAt,
    };

    private static Lead ToLead(TableEntity e) => new()
    {
        TenantId = e.PartitionKey,
        Id = e.RowKey[LeadPrefix.Length..],
        Phone = e.GetString("Phone") ?? "",
        Name = e.GetString("Name"),
        Status = e.GetString("Status") ?? LeadStatuses.New,
        Source = e.GetString("Source") ?? LeadSources.Api,
        Notes = e.GetString("Notes"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
    };
}
