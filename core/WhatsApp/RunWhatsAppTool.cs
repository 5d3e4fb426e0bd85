using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Core.WhatsApp;

/// <summary>Runs one tool call of the model and answers its output (JSON) for the model's next request.</summary>
public sealed class RunWhatsAppTool(WhatsAppTools tools, IServiceProvider services) : TaskActivity<WhatsAppToolInput, string>
{
    /// <summary>
    /// The client that starts a scheduled callback's orchestration. Functions hands one only to a binding, so its
    /// wrapper sets it; the local host's container holds one.
    /// </summary>
    public DurableTaskClient? Client { get; set; }

    public override Task<string> RunAsync(TaskActivityContext context, WhatsAppToolInput input) =>
        tools.RunAsync(input.Message, input.Call, Client ?? services.GetRequiredService<DurableTaskClient>());
}
