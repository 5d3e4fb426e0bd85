using CallCenter.Core.Prompts;
using CallCenter.Core.Storage;
using CallCenter.Core.WhatsApp;
using CallCenter.Core.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Web;

public static class WebServiceCollectionExtensions
{
    /// <summary>Everything the shared endpoints and the workflows' steps use; both hosts register the same set.</summary>
    public static IServiceCollection AddCallCenterEndpoints(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCallCenterStorage(configuration);
        services.AddCallCenterAuth(configuration);
        services.AddCallHandling(configuration);
        services.AddPrompts();
        services.AddWhatsApp(configuration);
        services.AddSingleton<WebhookRequests>();
        return services;
    }
}
