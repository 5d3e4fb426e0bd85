using CallCenter.Core.Crm;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

/// <summary>A tenant's leads: create, read, update, search by phone or status.</summary>
public static class LeadEndpoints
{
    private const string Listing = "leads";

    public sealed record LeadBody(string? Phone, string? Name, string? Status, string? Notes);

    public sealed record LeadPatch(string? Name, string? Status, string? Notes);

    public static async Task<IResult> CreateAsync(HttpRequest request, string tenantId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        var (body, bodyError) = await CrmAccess.ReadJsonAsync<LeadBody>(request);
        if (body is null)
        {
            return bodyError!;
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

        var store = request.Service<LeadStore>();
        var (lead, created) = await store.GetOrCreateByPhoneAsync(tenant.Id, body.Phone!, LeadSources.Api, body.Name, request.Aborted());
        if (!created)
        {
            return CrmAccess.Conflict($"lead {lead.Id} has this phone");
        }

        if (body.Status is not null || body.Notes is not null)
        {
            lead = await store.UpdateAsync(tenant.Id, lead.Id, l => l with { Status = body.Status ?? l.Status, Notes = body.Notes ?? l.Notes }, request.Aborted()) ?? lead;
        }

        return CrmAccess.Created($"/api/tenants/{tenant.Id}/leads/{lead.Id}", Shape(lead));
    }

    /// <summary>?phone= finds the one lead of a number; otherwise a page, optionally of one ?status=.</summary>
    public static async Task<IResult> ListAsync(HttpRequest request, string tenantId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        var (limit, continuation, pagingError) = CrmAccess.Paging(request, tenant.Id, Listing);
        if (pagingError is not null)
        {
            return pagingError;
        }

        var store = request.Service<LeadStore>();
        if (request.Query["phone"].ToString() is { Length: > 0 } phone)
        {
            if (!PhoneNumbers.IsE164(phone))
            {
                return CrmAccess.Invalid("phone must be E.164, such as +972501234567");
            }

            var found = await store.FindByPhoneAsync(tenant.Id, phone, request.Aborted());
            return CrmAccess.Ok(new { items = found is null ? [] : new[] { Shape(found) }, continuation = (string?)null });
        }

        var status = request.Query["status"].ToString() is { Length: > 0 } s ? s : null;
        if (status is not null && !LeadStatuses.All.Contains(status))
        {
            return CrmAccess.Invalid($"status must be one of {string.Join(", ", LeadStatuses.All)}");
        }

        return await CrmAccess.PageAsync(request, tenant.Id, Listing, () => store.ListPageAsync(tenant.Id, status, continuation, limit, request.Aborted()), Shape);
    }

    public static async Task<IResult> GetAsync(HttpRequest request, string tenantId, string leadId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        if (CrmAccess.BadIds(("leadId", leadId)) is { } bad)
        {
            return bad;
        }

        var lead = IsLeadId(leadId) ? await request.Service<LeadStore>().GetAsync(tenant.Id, leadId, request.Aborted()) : null;
        return lead is null ? CrmAccess.NotFound() : CrmAccess.Ok(Shape(lead));
    }

    /// <summary>Sets the fields the body names; phone and identity do not change.</summary>
    public static async Task<IResult> PatchAsync(HttpRequest request, string tenantId, string leadId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        if (CrmAccess.BadIds(("leadId", leadId)) is { } bad)
        {
            return bad;
        }

        var store = request.Service<LeadStore>();
        if (!IsLeadId(leadId) || await store.GetAsync(tenant.Id, leadId, request.Aborted()) is null)
        {
            return CrmAccess.NotFound();
        }

        var (body, bodyError) = await CrmAccess.ReadJsonAsync<LeadPatch>(request);
        if (body is null)
        {
            return bodyError!;
        }

        if (Validate(body.Name, body.Status, body.Notes) is { Count: > 0 } errors)
        {
            return CrmAccess.Invalid(errors);
        }

        var lead = await store.UpdateAsync(
            tenant.Id,
            leadId,
            l => l with { Name = body.Name ?? l.Name, Status = body.Status ?? l.Status, Notes = body.Notes ?? l.Notes },
            request.Aborted());
        return lead is null ? CrmAccess.NotFound() : CrmAccess.Ok(Shape(lead));
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

    internal static object Shape(Lead l) => new
    {
        id = l.Id,
        phone = l.Phone,
        name = l.Name,
        status = l.Status,
        source = l.Source,
        notes = l.Notes,
        createdAt = l.CreatedAt,
        updatedAt = l.UpdatedAt,
    };
}
