using System.Globalization;
using CallCenter.Core.Prompts;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

/// <summary>A tenant's prompts per channel: versions, the current one, and a preview from the one builder.</summary>
public static class PromptEndpoints
{
    public const int MaxPromptChars = 20_000;

    public sealed record PromptBody(string? Instructions, string? BusinessFacts);

    public sealed record PreviewBody(string? LeadId);

    public static async Task<IResult> GetAsync(HttpRequest request, string tenantId, string channel)
    {
        var (tenant, ch, error) = await ResolveAsync(request, tenantId, channel);
        if (tenant is null)
        {
            return error!;
        }

        var store = request.Service<PromptStore>();
        var pointer = await store.GetPointerAsync(tenant.Id, ch, request.Aborted());
        var versions = await store.ListVersionsAsync(tenant.Id, ch, request.Aborted());
        var current = versions.FirstOrDefault(v => v.Version == pointer?.Current);
        return CrmAccess.Ok(new
        {
            channel = ch.ToWire(),
            currentVersion = pointer?.Current ?? 0,
            current = current is null ? null : Shape(current),
            versions = versions.Select(v => new { version = v.Version, createdAt = v.CreatedAt }).ToList(),
        });
    }

    /// <summary>Saves a new version and makes it current; earlier versions stay readable.</summary>
    public static async Task<IResult> PutAsync(HttpRequest request, string tenantId, string channel)
    {
        var (tenant, ch, error) = await ResolveAsync(request, tenantId, channel);
        if (tenant is null)
        {
            return error!;
        }

        var (body, bodyError) = await CrmAccess.ReadJsonAsync<PromptBody>(request);
        if (body is null)
        {
            return bodyError!;
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(body.Instructions) || body.Instructions.Length > MaxPromptChars)
        {
            errors.Add($"instructions are required (at most {MaxPromptChars} characters)");
        }

        if (body.BusinessFacts is { Length: > MaxPromptChars })
        {
            errors.Add($"business facts are at most {MaxPromptChars} characters");
        }

        if (errors.Count > 0)
        {
            return CrmAccess.Invalid(errors);
        }

        var version = await request.Service<PromptStore>().AddVersionAsync(tenant.Id, ch, body.Instructions!, body.BusinessFacts, request.Aborted());
        return CrmAccess.Created($"/api/tenants/{tenant.Id}/prompts/{ch.ToWire()}/versions/{version.Version}", Shape(version));
    }

    public static async Task<IResult> GetVersionAsync(HttpRequest request, string tenantId, string channel, string version)
    {
        var (tenant, ch, error) = await ResolveAsync(request, tenantId, channel);
        if (tenant is null)
        {
            return error!;
        }

        if (CrmAccess.BadIds(("version", version)) is { } bad)
        {
            return bad;
        }

        var found = int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? await request.Service<PromptStore>().GetVersionAsync(tenant.Id, ch, number, request.Aborted())
            : null;
        return found is null ? CrmAccess.NotFound() : CrmAccess.Ok(Shape(found));
    }

    public static async Task<IResult> ActivateAsync(HttpRequest request, string tenantId, string channel, string version)
    {
        var (tenant, ch, error) = await ResolveAsync(request, tenantId, channel);
        if (tenant is null)
        {
            return error!;
        }

        if (CrmAccess.BadIds(("version", version)) is { } bad)
        {
            return bad;
        }

        var activated = int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && await request.Service<PromptStore>().ActivateAsync(tenant.Id, ch, number, request.Aborted());
        return activated ? CrmAccess.Ok(new { channel = ch.ToWire(), currentVersion = number }) : CrmAccess.NotFound();
    }

    /// <summary>Exactly what a call or message of this tenant, channel and lead would get: the same builder call.</summary>
    public static async Task<IResult> PreviewAsync(HttpRequest request, string tenantId, string channel)
    {
        var (tenant, ch, error) = await ResolveAsync(request, tenantId, channel);
        if (tenant is null)
        {
            return error!;
        }

        var (body, bodyError) = await CrmAccess.ReadJsonAsync<PreviewBody>(request, optional: true);
        if (bodyError is not null)
        {
            return bodyError;
        }

        Core.Crm.Lead? lead = null;
        if (body?.LeadId is { } leadId)
        {
            lead = LeadEndpoints.IsLeadId(leadId) ? await request.Service<LeadStore>().GetAsync(tenant.Id, leadId, request.Aborted()) : null;
            if (lead is null)
            {
                return CrmAccess.Invalid("leadId names no lead of this tenant");
            }
        }

        var instructions = await request.Service<IPromptBuilder>().BuildAsync(tenant, ch, lead, request.Aborted());
        return CrmAccess.Ok(instructions);
    }

    private static async Task<(Tenant? Tenant, PromptChannel Channel, IResult? Error)> ResolveAsync(HttpRequest request, string tenantId, string channel)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return (null, default, error);
        }

        if (CrmAccess.BadIds(("channel", channel)) is { } bad)
        {
            return (null, default, bad);
        }

        return PromptChannels.TryParse(channel, out var ch) ? (tenant, ch, null) : (null, default, CrmAccess.NotFound());
    }

    private static object Shape(PromptVersion v) => new
    {
        channel = v.Channel.ToWire(),
        version = v.Version,
        instructions = v.Instructions,
        businessFacts = v.BusinessFacts,
        createdAt = v.CreatedAt,
    };
}
