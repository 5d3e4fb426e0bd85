using CallCenter.Core.Auth;
using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCenter.Web;

/// <summary>A tenant's leads: create, read, update, search by phone or status.</summary>
public static class LeadEndpoints
{
    private const string Listing = "leads";

    public sealed record LeadBody(string? Phone, string? Name, string? Status, string? Notes);

    public sealed record LeadPatch(string? Name, string? Status, string? Notes);

    public static async Task<Results<CrmCreated<LeadView>, BadRequestProblem, ConflictProblem, BodyRefusal>> CreateAsync(
        TenantScope scope, CrmBody<LeadBody> request, LeadStore store)
    {
        var (body, refusal) = await request.ReadAsync();
        if (body is null)
        {
            return refusal!;
        }

        var errors = Validate(body.Name, body.Status, body.Notes);
        if (!PhoneNumbers.IsE164(body.Phone))
        {
            errors.Add("phone must be E.164, such as +972501234567");
        }

        if (errors.Count > 0)
        {
            return CrmAccess.Invalid(errors);
        }

        var tenantId = scope.Tenant.Id;
        var (lead, created) = await store.GetOrCreateByPhoneAsync(tenantId, body.Phone!, LeadSources.Api, body.Name, scope.Aborted);
        if (!created)
        {
            return new ConflictProblem($"lead {lead.Id} has this phone");
        }

        if (body.Status is not null || body.Notes is not null)
        {
            lead = await store.UpdateAsync(tenantId, lead.Id, l => l with { Status = body.Status ?? l.Status, Notes = body.Notes ?? l.Notes }, scope.Aborted) ?? lead;
        }

        return new CrmCreated<LeadView>($"/api/tenants/{tenantId}/leads/{lead.Id}", LeadView.Of(lead));
    }

    /// <summary>?phone= finds the one lead of a number; otherwise a page, optionally of one ?status=.</summary>
    public static async Task<Results<CrmOk<CrmPage<LeadView>>, BadRequestProblem>> ListAsync(TenantScope scope, LeadStore store, ContinuationTokens tokens)
    {
        var (limit, continuation, pagingError) = CrmAccess.Paging(scope, tokens, Listing);
        if (pagingError is not null)
        {
            return pagingError;
        }

        var query = scope.Request.Query;
        if (query["phone"].ToString() is { Length: > 0 } phone)
        {
            if (!PhoneNumbers.IsE164(phone))
            {
                return CrmAccess.Invalid("phone must be E.164, such as +972501234567");
            }

            var found = await store.FindByPhoneAsync(scope.Tenant.Id, phone, scope.Aborted);
            return new CrmOk<CrmPage<LeadView>>(new CrmPage<LeadView>(found is null ? [] : [LeadView.Of(found)], null));
        }

        var status = query["status"].ToString() is { Length: > 0 } s ? s : null;
        if (status is not null && !LeadStatuses.All.Contains(status))
        {
            return CrmAccess.Invalid($"status must be one of {string.Join(", ", LeadStatuses.All)}");
        }

        var page = await store.ListPageAsync(scope.Tenant.Id, status, continuation, limit, scope.Aborted);
        return CrmAccess.Page(scope, tokens, Listing, page, LeadView.Of);
    }

    public static async Task<Results<CrmOk<LeadView>, BadRequestProblem, NotFoundProblem>> GetAsync(TenantScope scope, string leadId, LeadStore store)
    {
        if (CrmAccess.BadIds(("leadId", leadId)) is { } bad)
        {
            return bad;
        }

        var lead = IsLeadId(leadId) ? await store.GetAsync(scope.Tenant.Id, leadId, scope.Aborted) : null;
        return lead is null ? new NotFoundProblem() : new CrmOk<LeadView>(LeadView.Of(lead));
    }

    /// <summary>Sets the fields the body names; phone and identity do not change.</summary>
    public static async Task<Results<CrmOk<LeadView>, BadRequestProblem, NotFoundProblem, BodyRefusal>> PatchAsync(
        TenantScope scope, string leadId, CrmBody<LeadPatch> request, LeadStore store)
    {
        if (CrmAccess.BadIds(("leadId", leadId)) is { } bad)
        {
            return bad;
        }

        var tenantId = scope.Tenant.Id;
        if (!IsLeadId(leadId) || await store.GetAsync(tenantId, leadId, scope.Aborted) is null)
        {
            return new NotFoundProblem();
        }

        var (body, refusal) = await request.ReadAsync();
        if (body is null)
        {
            return refusal!;
        }

        if (Validate(body.Name, body.Status, body.Notes) is { Count: > 0 } errors)
        {
            return CrmAccess.Invalid(errors);
        }

        var lead = await store.UpdateAsync(
            tenantId,
            leadId,
            l => l with { Name = body.Name ?? l.Name, Status = body.Status ?? l.Status, Notes = body.Notes ?? l.Notes },
            scope.Aborted);
        return lead is null ? new NotFoundProblem() : new CrmOk<LeadView>(LeadView.Of(lead));
    }

    internal static bool IsLeadId(string id) => id.Length is > 2 and <= 40 && id.All(char.IsAsciiLetterOrDigit);

    private static List<string> Validate(string? name, string? status, string? notes)
    {
        var errors = new List<string>();
        if (name is { Length: > 200 })
        {
            errors.Add("name is at most 200 characters");
        }

        if (status is not null && !LeadStatuses.All.Contains(status))
        {
            errors.Add($"status must be one of {string.Join(", ", LeadStatuses.All)}");
        }

        if (notes is { Length: > 4000 })
        {
            errors.Add("notes are at most 4000 characters");
        }

        return errors;
    }
}
