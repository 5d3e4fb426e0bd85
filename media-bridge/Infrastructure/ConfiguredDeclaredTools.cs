using CallCenter.Core.Prompts;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// Declared tools read from configuration until the CRM keeps them per tenant; either way they are data:
/// a name, a schema and one of the effects the bridge knows how to carry out.
/// </summary>
internal sealed class ConfiguredDeclaredTools(IOptions<DeclaredToolsOptions> options) : IDeclaredTools
{
    public Task<IReadOnlyList<DeclaredTool>> ListAsync(string tenantId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<DeclaredTool>>(
            options.Value.Tenants.TryGetValue(tenantId, out var tools)
                ? [.. tools.Select(t => new DeclaredTool(t.Name, t.Description, t.ParametersJsonSchema, t.Effect, t.ReplyText))]
                : []);
}
