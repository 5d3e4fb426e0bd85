namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>Tenant-declared tools from the <c>DeclaredTools</c> section: tenant id → list of tools.</summary>
public sealed class DeclaredToolsOptions
{
    public const string Section = "DeclaredTools";

    public Dictionary<string, List<DeclaredToolSetting>> Tenants { get; set; } = new(StringComparer.Ordinal);
}
