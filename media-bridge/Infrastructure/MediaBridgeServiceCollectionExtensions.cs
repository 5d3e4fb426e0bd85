using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Core.Hosting;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Prompts;
using CallCenter.Core.Twilio;
using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Infrastructure;

public static class MediaBridgeServiceCollectionExtensions
{
    /// <summary>
    /// The bridge: options (validated at start-up), storage, stream tokens, the OpenAI connector, Twilio call
    /// control over Twilio's REST API, the transcript writer and metrics. <see cref="IPromptBuilder"/> comes from core's prompt
    /// registration and must be added by the host.
    /// </summary>
    public static IServiceCollection AddMediaBridge(this IServiceCollection services, IConfiguration configuration)
    {
        // Validated by generated code, not reflection over the attributes: the same in the JIT and the Native AOT build.
        services.AddOptions<MediaBridgeOptions>().Bind(configuration.GetSection(MediaBridgeOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediaBridgeOptions>, MediaBridgeOptionsValidator>());
        // The accounts and keys the Functions app uses too: a deployment sets each secret once.
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.AddOptions<OpenAiOptions>().Bind(configuration.GetSection(OpenAiOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenAiOptions>, OpenAiOptionsValidator>());
        services.AddOptions<DeclaredToolsOptions>().Bind(configuration.GetSection(DeclaredToolsOptions.Section));
        services.AddCallCenterStorage(configuration);
        services.AddStreamTokens(configuration);
        services.AddCallCenterLiveEvents(configuration);
        services.AddCallCenterPrompts();
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<BridgeMetrics>();
        services.TryAddSingleton<TranscriptQueue>();
        services.TryAddSingleton<IDeclaredTools, ConfiguredDeclaredTools>();
        services.AddHostedService<TranscriptWriter>();
        services.TryAddSingleton<LiveCalls>();
        services.AddHostedService<CallDrain>();

        // The host waits for live calls as long as the platform's grace allows, not the default 30 s.
        services.AddOptions<HostOptions>().Configure<IOptions<MediaBridgeOptions>>((host, bridge) => host.ShutdownTimeout = bridge.Value.ShutdownTimeout);

        services.TryAddSingleton<IRealtimeConnector, OpenAiRealtimeConnector>();

        services.AddHttpClient(TwilioCallControl.HttpClientName);
        services.TryAddSingleton<ICallControl, TwilioCallControl>();

        services.TryAddSingleton<CallContextLoader>();
        services.TryAddSingleton<StreamBindings>();
        services.TryAddSingleton<ApologyAudio>();
        services.TryAddSingleton<SessionServices>();
        services.TryAddSingleton<MediaStreamHandler>();
        return services;
    }
}
