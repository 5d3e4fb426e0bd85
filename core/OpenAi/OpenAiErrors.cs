using System.ClientModel;

namespace CallCenter.Core.OpenAi;

internal static class OpenAiErrors
{
    /// <summary>Rate limits, timeouts and server errors pass; everything else will fail the same way again.</summary>
    public static bool IsTransient(ClientResultException e) => e.Status is 0 or 408 or 409 or 429 or >= 500;
}
