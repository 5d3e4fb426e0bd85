namespace CallCenter.Core.Prompts;

/// <summary>Where a tenant's declared tools come from; read once per call, before the first frame.</summary>
public interface IDeclaredTools
{
    Task<IReadOnlyList<DeclaredTool>> ListAsync(string tenantId, CancellationToken ct = default);
}
