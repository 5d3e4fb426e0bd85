using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Twilio;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Core.Workflow;

public static class CallWorkflowRegistration
{
    /// <summary>The call webhooks' handlers and the workflow's steps with the clients they use.</summary>
    public static IServiceCollection AddCallHandling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OpenAiOptions>().Bind(configuration.GetSection(OpenAiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CallWorkflowOptions>().Bind(configuration.GetSection(CallWorkflowOptions.Section));
        services.AddStreamTokens(configuration);
        services.AddLiveEvents(configuration);
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<TwilioSignature>();
        services.TryAddSingleton<CallRegistry>();
        services.TryAddSingleton<OutboundCallStore>();
        services.TryAddSingleton<OutboundCallPlanner>();
        services.TryAddSingleton<CallDialer>();
        services.TryAddSingleton<PlacedCallFinder>();
        services.TryAddSingleton<OutboundIdempotencyKeys>();
        services.AddTwilioRest();
        services.TryAddSingleton<VoiceWebhookHandler>();
        services.TryAddSingleton<CallStatusHandler>();
        services.TryAddSingleton<RecordingCallbackHandler>();
        services.TryAddSingleton<KnownCallWorkflows>();

        services.AddHttpClient<ITwilioMedia, TwilioMediaClient>(c => c.Timeout = TimeSpan.FromMinutes(5));
        services.TryAddSingleton<ITranscriber, OpenAiTranscriber>();
        services.TryAddSingleton<ICallSummaryModel, OpenAiCallSummaryModel>();
        services.TryAddSingleton<CallWorkflowSteps>();
        services.TryAddTransient<RecordingDownloader>();
        services.TryAddSingleton<TranscriptResolver>();
        services.TryAddSingleton<CallSummarizer>();
        return services;
    }

    /// <summary>
    /// The call workflow for a Durable Task worker (the local host). The Functions app registers the same
    /// orchestration and steps as function-style <c>[Function]</c> methods.
    /// </summary>
    public static DurableTaskRegistry AddCallWorkflow(this DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<CallWorkflowInput, CallWorkflowResult>(CallWorkflowNames.Orchestration, CallWorkflow.RunAsync);
        registry.AddActivity(CallActivities.Plan, sp => Step<CallRef, CallPlan>(sp.GetRequiredService<CallWorkflowSteps>().PlanAsync));
        registry.AddActivity(CallActivities.DownloadRecording, sp => Step<DownloadRecordingInput, string>(i => sp.GetRequiredService<RecordingDownloader>().DownloadAsync(i)));
        registry.AddActivity(CallActivities.ResolveTranscript, sp => Step<TranscriptInput, TranscriptOutcome>(i => sp.GetRequiredService<TranscriptResolver>().ResolveAsync(i)));
        registry.AddActivity(CallActivities.RecordTranscriptFailure, sp => Step<TranscriptFailure, bool>(async i => { await sp.GetRequiredService<TranscriptResolver>().RecordFailureAsync(i); return true; }));
        registry.AddActivity(CallActivities.Summarize, sp => Step<CallRef, bool>(i => sp.GetRequiredService<CallSummarizer>().SummarizeAsync(i)));
        registry.AddOrchestratorFunc<string, string>(OutboundCallNames.Orchestration, OutboundCallWorkflow.RunAsync);
        registry.AddActivity(OutboundCallNames.Dial, sp => Step<string, string>(id => sp.GetRequiredService<CallDialer>().DialAsync(id)));
        registry.AddActivity(CallActivities.Finish, sp => Step<CallRef, bool>(async i => { await sp.GetRequiredService<CallWorkflowSteps>().FinishAsync(i); return true; }));
        registry.AddActivity(CallActivities.PublishFinished, sp => Step<CallRef, bool>(async i => { await sp.GetRequiredService<CallWorkflowSteps>().PublishFinishedAsync(i); return true; }));
        return registry;
    }

    private static StepActivity<TInput, TOutput> Step<TInput, TOutput>(Func<TInput, Task<TOutput>> run) => new(run);

    private sealed class StepActivity<TInput, TOutput>(Func<TInput, Task<TOutput>> run) : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(input);
    }
}
