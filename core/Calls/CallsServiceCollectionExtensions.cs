using CallCenter.Core.Twilio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Calls;

public static class CallsServiceCollectionExtensions
{
    /// <summary>
    /// The call webhooks' handlers, outbound calls (planning and the dial; the workflows register its activity)
    /// and the Twilio clients they use; needs the product's storage, live events and the call workflow.
    /// </summary>
    public static IServiceCollection AddCallCenterCalls(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.AddStreamTokens(configuration);
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
        services.TryAddSingleton<TransferWebhookHandler>();
        return services;
    }

    /// <summary>The call log, its turns and the recordings; needs the tables.</summary>
    public static IServiceCollection AddCallStores(this IServiceCollection services)
    {
        services.TryAddSingleton<CallLogStore>();
        services.TryAddSingleton<TurnStore>();
        services.TryAddSingleton<RecordingStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RecordingRetention>();
        services.TryAddSingleton<CallStatsStore>();
        return services;
    }

    /// <summary>Stream tokens shared by the voice webhook (issues them) and the media bridge (verifies them).</summary>
    public static IServiceCollection AddStreamTokens(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BridgeOptions>().Bind(configuration.GetSection(BridgeOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BridgeOptions>, BridgeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StreamTokens>();
        return services;
    }
}
