using System.Security.Cryptography;
using System.Text;

namespace CallCenter.Core.WhatsApp;

public static class WhatsAppWorkflowNames
{
    public const string Orchestration = "WhatsAppReply";

    /// <summary>From the provider's message id alone, so every delivery of a message names the same instance.</summary>
    public static string InstanceId(string providerMessageId) =>
        "wa-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(providerMessageId)))[..40];
}
