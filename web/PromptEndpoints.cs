using System.Globalization;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Prompts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCenter.Web;

/// <summary>A tenant's prompts per channel: versions, the current one, and a preview from the one builder.</summary>
public static class PromptEndpoints
{
    public const int MaxPromptChars = 20_000;

    public sealed record PromptBody(string? Instructions, string? BusinessFacts);

    public sealed record PreviewBody(string? LeadId);

    public static async Task<Results<CrmOk<PromptView>, BadRequestProblem, NotFoundProblem>> GetAsync(TenantScope scope, string channel, PromptStore store)
    {
        if (!IsChannel(channel, out var ch, out var bad))
        {
            return bad is null ? new NotFoundProblem() : bad;
        }

        var pointer = await store.GetPointerAsync(scope.Tenant.Id, ch, scope.Aborted);
        var versions = await store.ListVersionsAsync(scope.Tenant.Id, ch, scope.Aborted);
        var current = versions.FirstOrDefault(v => v.Version == pointer?.Current);
        return new CrmOk<PromptView>(new PromptView(
            ch.ToWire(),
            pointer?.Current ?? 0,
            current is null ? null : PromptVersionView.Of(current),
            [.. versions.Select(v => new PromptVersionEntryView(v.Version, v.CreatedAt))]));
    }

    /// <summary>Saves a new version and makes it current; earlier versions stay readable.</summary>
    public static async Task<Results<CrmCreated<PromptVersionView>, BadRequestProblem, NotFoundProblem, BodyRefusal>> PutAsync(
        TenantScope scope, string channel, CrmBody<PromptBody> request, PromptStore store)
    {
        if (!IsChannel(channel, out var ch, out var bad))
        {
            return bad is null ? new NotFoundProblem() : bad;
        }

        var (body, bodyRefusal) = await request.ReadAsync();
        if (body is null)
        {
            return bodyRefusal!;
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

        var version = await store.AddVersionAsync(scope.Tenant.Id, ch, body.Instructions!, body.BusinessFacts, scope.Aborted);
        return new CrmCreated<PromptVersionView>($"/api/tenants/{scope.Tenant.Id}/prompts/{ch.ToWire()}/versions/{version.Version}", PromptVersionView.Of(version));
    }

    public static async Task<Results<CrmOk<PromptVersionView>, BadRequestProblem, NotFoundProblem>> GetVersionAsync(
        TenantScope scope, string channel, string version, PromptStore store)
    {
        if (!IsVersion(channel, version, out var ch, out var number, out var bad))
        {
            return bad is null ? new NotFoundProblem() : bad;
        }

        var found = await store.GetVersionAsync(scope.Tenant.Id, ch, number, scope.Aborted);
        return found is null ? new NotFoundProblem() : new CrmOk<PromptVersionView>(PromptVersionView.Of(found));
    }

    public static async Task<Results<CrmOk<ActivePromptView>, BadRequestProblem, NotFoundProblem>> ActivateAsync(
        TenantScope scope, string channel, string version, PromptStore store)
    {
        if (!IsVersion(channel, version, out var ch, out var number, out var bad))
        {
            return bad is null ? new NotFoundProblem() : bad;
        }

        return await store.ActivateAsync(scope.Tenant.Id, ch, number, scope.Aborted)
            ? new CrmOk<ActivePromptView>(new ActivePromptView(ch.ToWire(), number))
            : new NotFoundProblem();
    }

    /// <summary>Exactly what a call or message of this tenant, channel and lead would get: the same builder call.</summary>
    public static async Task<Results<CrmOk<AgentInstructions>, BadRequestProblem, NotFoundProblem, BodyRefusal>> PreviewAsync(
        TenantScope scope, string channel, CrmBody<PreviewBody> request, LeadStore leads, IPromptBuilder builder)
    {
        if (!IsChannel(channel, out var ch, out var bad))
        {
            return bad is null ? new NotFoundProblem() : bad;
        }

        var (body, bodyRefusal) = await request.ReadAsync(optional: true);
        if (bodyRefusal is not null)
        {
            return bodyRefusal;
        }

        Core.Crm.Lead? lead = null;
        if (body?.LeadId is { } leadId)
        {
            lead = LeadEndpoints.IsLeadId(leadId) ? await leads.GetAsync(scope.Tenant.Id, leadId, scope.Aborted) : null;
            if (lead is null)
            {
                return CrmAccess.Invalid("leadId names no lead of this tenant");
            }
        }

        return new CrmOk<AgentInstructions>(await builder.BuildAsync(scope.Tenant, ch, lead, scope.Aborted));
    }

    /// <summary>The channel of the path; when there is none, <paramref name="bad"/> is the 400 for a path part that is not an id at all, or null for a 404.</summary>
    private static bool IsChannel(string channel, out PromptChannel parsed, out BadRequestProblem? bad)
    {
        parsed = default;
        bad = CrmAccess.BadIds(("channel", channel));
        return bad is null && PromptChannels.TryParse(channel, out parsed);
    }

    /// <summary>As <see cref="IsChannel"/>, and the version of the path: a 400 when it is not an id, a 404 when it is no number.</summary>
    private static bool IsVersion(string channel, string version, out PromptChannel parsed, out int number, out BadRequestProblem? bad)
    {
        number = 0;
        return IsChannel(channel, out parsed, out bad)
            && (bad = CrmAccess.BadIds(("version", version))) is null
            && int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
