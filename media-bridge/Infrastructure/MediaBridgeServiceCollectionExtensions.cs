using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Core.Prompts;
using CallCenter.Core.Storage;
using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Http;

namespace CallCenter.MediaBridge.Infrastructure;

public static class MediaBridgeServiceCollectionExtensions
{
    public const string TwilioHttpClient = "twilio";

    /// <summary>
    /// The bridge: options (validated at start-up), storage, stream tokens, the OpenAI connector, Twilio call
    /// control, the transcript writer and metrics. <see cref="IPromptBuilder"/> comes from core's prompt
    /// registration and must be added by the host.
    /// </summary>
    public static IServiceCollection AddMediaBridge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MediaBridgeOptions>().Bind(configuration.GetSection(MediaBridgeOptions.Section))
            .Configure(o =>
            {
                // The account and key settings the Functions app uses too (Twilio:*, OpenAI:*) serve when
                // the bridge's own section does not name them, so a deployment sets each secret once.
                o.TwilioAccountSid = Fallback(o.TwilioAccountSid, configuration["Twilio:AccountSid"]);
                o.TwilioAuthToken = Fallback(o.TwilioAuthToken, configuration["Twilio:AuthToken"]);
                o.TwilioApiBaseUrl ??= configuration.GetValue<Uri?>("Twilio:ApiBaseUrl");
                o.OpenAiApiKey = Fallback(o.OpenAiApiKey, configuration["OpenAI:ApiKey"]);
            })
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeclaredToolsOptions>().Bind(configuration.GetSection(DeclaredToolsOptions.Section));
        services.AddCallCenterStorage(configuration);
        services.AddStreamTokens(configuration);
        services.AddLiveEvents(configuration);
        services.AddPrompts();
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<BridgeMetrics>();
        services.TryAddSingleton<TranscriptQueue>();
        services.TryAddSingleton<IDeclaredTools, ConfiguredDeclaredTools>();
        services.AddHostedService<TranscriptWriter>();

        services.TryAddSingleton<IRealtimeConnector, OpenAiRealtimeConnector>();

        services.AddTransient<TwilioApiRedirect>();
        services.AddHttpClient(TwilioHttpClient).AddHttpMessageHandler<TwilioApiRedirect>();
        services.TryAddSingleton<ITwilioRestClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MediaBridgeOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(TwilioHttpClient);
            return new TwilioRestClient(o.TwilioAccountSid, o.TwilioAuthToken, httpClient: new SystemNetHttpClient(http));
        });
        services.TryAddSingleton<ICallControl, TwilioCallControl>();

        services.TryAddSingleton<CallContextLoader>();
        services.TryAddSingleton<ApologyAudio>();
        services.TryAddSingleton<SessionServices>();
        services.TryAddSingleton<MediaStreamHandler>();
        return services;
    }

    private static string Fallback(string value, string? shared) => value.Length > 0 ? value : shared ?? "";
}
