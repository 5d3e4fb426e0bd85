using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Prompts;
using CallCenter.Core.Tenants;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>Everything a call needs, loaded once before its first audio frame is relayed.</summary>
public sealed record CallContext(
    StreamClaims Claims,
    Tenant Tenant,
    Lead? Lead,
    AgentInstructions Instructions,
    IReadOnlyList<AgentTool> ModelTools,
    IReadOnlyDictionary<string, DeclaredTool> DeclaredTools)
{
    /// <summary>The call as stored when the stream started; null when the call log has no row for it.</summary>
    public CallLog? Call { get; init; }
}
