using CallCenter.Core.Calls;
using CallCenter.Core.Callbacks;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Twilio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// The per-call workflow: its timings, the webhooks' signals into it, its activities and the steps and
    /// clients they use (Twilio media, OpenAI); needs the product's storage and live events.
    /// </summary>
    public static IServiceCollection AddCallCenterWorkflow(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.AddOptions<OpenAiOptions>().Bind(configuration.GetSection(OpenAiOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenAiOptions>, OpenAiOptionsValidator>());
        services.AddOptions<CallWorkflowOptions>().Bind(configuration.GetSection(CallWorkflowOptions.Section));
        services.AddOptions<PricingOptions>().Bind(configuration.GetSection(PricingOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PricingOptions>, PricingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KnownCallWorkflows>();
        services.TryAddSingleton<CallWorkflowSignals>();
        services.TryAddSingleton<OpenCallSweeper>();

        services.AddHttpClient<ITwilioMedia, TwilioMediaClient>(c => c.Timeout = TimeSpan.FromMinutes(5));
        services.TryAddSingleton<ITranscriber, OpenAiTranscriber>();
        services.TryAddSingleton<ICallSummaryModel, OpenAiCallSummaryModel>();
        services.TryAddSingleton<CallWorkflowSteps>();
        services.TryAddTransient<RecordingDownloader>();
        services.TryAddTransient<CallCompleter>();
        services.TryAddSingleton<TranscriptResolver>();
        services.TryAddSingleton<CallSummarizer>();
        services.TryAddSingleton<CallMetricsRecorder>();
        CallWorkflow.Durable.AddActivities(services);
        OutboundCallWorkflow.Durable.AddActivities(services);
        WebhookDeliveryWorkflow.Durable.AddActivities(services);
        services.TryAddSingleton<CallbackDialer>();
        CallbackWorkflow.Durable.AddActivities(services);
        return services;
    }
}
