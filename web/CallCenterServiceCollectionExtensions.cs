using CallCenter.Core.Auth;
using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Core.Hosting;
using CallCenter.Core.Prompts;
using CallCenter.Core.Webhooks;
using CallCenter.Core.WhatsApp;
using CallCenter.Core.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Web;

public static class CallCenterServiceCollectionExtensions
{
    /// <summary>
    /// The product as both hosts serve it: each concern's registration once, the same set and the same
    /// lifetimes in the Functions app and the local host.
    /// </summary>
    public static IServiceCollection AddCallCenter(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddCallCenterStorage(configuration)
            .AddCallCenterAuth(configuration)
            .AddCallCenterLiveEvents(configuration)
            .AddCallCenterPrompts()
            .AddCallCenterCalls(configuration)
            .AddCallCenterWorkflow(configuration)
            .AddCallCenterWhatsApp(configuration)
            .AddCallCenterEndpoints()
            .AddCallCenterWebhooks(configuration);
}
