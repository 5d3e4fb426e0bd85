using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Core.Prompts;

public static class PromptsServiceCollectionExtensions
{
    /// <summary>The prompt store, the one cache and the one builder every channel and the preview route use.</summary>
    public static IServiceCollection AddCallCenterPrompts(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PromptStore>();
        services.TryAddSingleton<PromptCache>();
        services.TryAddSingleton<PromptBuilder>();
        services.TryAddSingleton<IPromptBuilder>(sp => sp.GetRequiredService<PromptBuilder>());
        return services;
    }
}
