using CallCenter.Core.Callbacks;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Prompts;
using CallCenter.Core.Twilio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.WhatsApp;

public static class WhatsAppServiceCollectionExtensions
{
    /// <summary>The WhatsApp webhooks' handlers, the reply workflow (signals, activities, steps) and the provider clients.</summary>
    public static IServiceCollection AddCallCenterWhatsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WhatsAppOptions>().Bind(configuration.GetSection(WhatsAppOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.AddOptions<OpenAiOptions>().Bind(configuration.GetSection(OpenAiOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenAiOptions>, OpenAiOptionsValidator>());
        services.AddCallCenterPrompts();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TwilioSignature>();
        services.TryAddSingleton<MetaSignature>();
        services.TryAddSingleton<WhatsAppStore>();
        services.TryAddSingleton<WhatsAppInbox>();
        services.TryAddSingleton<MetaWebhookHandler>();
        services.TryAddSingleton<TwilioWhatsAppHandler>();
        services.TryAddSingleton<WhatsAppWorkflowSignals>();
        services.TryAddSingleton<IWhatsAppReplyModel, OpenAiWhatsAppReplyModel>();
        services.AddHttpClient<IWhatsAppSender, WhatsAppSender>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.TryAddTransient<WhatsAppSteps>();
        services.AddCallbackStores();
        services.TryAddTransient<WhatsAppTools>();
        WhatsAppWorkflow.Durable.AddActivities(services);
        return services;
    }
}
