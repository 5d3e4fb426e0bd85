using CallCenter.Core.OpenAi;
using CallCenter.Core.Prompts;
using CallCenter.Core.Twilio;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Core.WhatsApp;

public static class WhatsAppRegistration
{
    /// <summary>The WhatsApp webhooks' handlers, the reply workflow's steps and the provider clients.</summary>
    public static IServiceCollection AddWhatsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WhatsAppOptions>().Bind(configuration.GetSection(WhatsAppOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OpenAiOptions>().Bind(configuration.GetSection(OpenAiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddPrompts();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TwilioSignature>();
        services.TryAddSingleton<MetaSignature>();
        services.TryAddSingleton<WhatsAppStore>();
        services.TryAddSingleton<WhatsAppInbox>();
        services.TryAddSingleton<MetaWebhookHandler>();
        services.TryAddSingleton<TwilioWhatsAppHandler>();
        services.TryAddSingleton<IWhatsAppReplyModel, OpenAiWhatsAppReplyModel>();
        services.AddHttpClient<IWhatsAppSender, WhatsAppSender>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.TryAddTransient<WhatsAppSteps>();
        return services;
    }

    /// <summary>
    /// The reply workflow for a Durable Task worker (the local host). The Functions app registers the same
    /// orchestration and steps as function-style <c>[Function]</c> methods.
    /// </summary>
    public static DurableTaskRegistry AddWhatsAppWorkflow(this DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<WhatsAppReplyInput, WhatsAppReplyResult>(WhatsAppWorkflowNames.Orchestration, WhatsAppWorkflow.RunAsync);
        registry.AddActivity(WhatsAppWorkflowNames.LoadHistory, sp => Step<WhatsAppMessageRef, IReadOnlyList<WhatsAppMessage>>(i => sp.GetRequiredService<WhatsAppSteps>().LoadHistoryAsync(i)));
        registry.AddActivity(WhatsAppWorkflowNames.GenerateReply, sp => Step<WhatsAppReplyDraft, string>(i => sp.GetRequiredService<WhatsAppSteps>().GenerateReplyAsync(i)));
        registry.AddActivity(WhatsAppWorkflowNames.SendReply, sp => Step<WhatsAppReplyToSend, string>(i => sp.GetRequiredService<WhatsAppSteps>().SendReplyAsync(i)));
        return registry;
    }

    private static StepActivity<TInput, TOutput> Step<TInput, TOutput>(Func<TInput, Task<TOutput>> run) => new(run);

    private sealed class StepActivity<TInput, TOutput>(Func<TInput, Task<TOutput>> run) : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(input);
    }
}
