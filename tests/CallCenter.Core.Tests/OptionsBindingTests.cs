using CallCenter.Core.Webhooks;
using CallCenter.Core.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Tests;

/// <summary>
/// Core's options are bound by the configuration binding generator (the media bridge's Native AOT build needs it),
/// which fills existing nested instances: their settings must reach the options, as the reflection binder's did.
/// </summary>
public sealed class OptionsBindingTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void Webhook_retry_timings_from_configuration_reach_the_options()
    {
        var configuration = Configuration(("Webhooks:Timings:FirstRetryInterval", "00:00:01"), ("Webhooks:Timings:MaxRetryInterval", "00:00:02"), ("Webhooks:Timings:GiveUpAfter", "00:00:06"));

        var options = new ServiceCollection().AddCallCenterWebhooks(configuration).BuildServiceProvider().GetRequiredService<IOptions<WebhookOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(1), options.Timings.FirstRetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timings.MaxRetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(6), options.Timings.GiveUpAfter);
    }

    [Fact]
    public void Call_workflow_timings_from_configuration_reach_the_options()
    {
        var configuration = Configuration(("CallWorkflow:Timings:RecordingTimeout", "00:00:03"), ("CallWorkflow:Timings:MaxAttempts", "2"));

        var options = new ServiceCollection().AddCallCenterWorkflow(configuration).BuildServiceProvider().GetRequiredService<IOptions<CallWorkflowOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(3), options.Timings.RecordingTimeout);
        Assert.Equal(2, options.Timings.MaxAttempts);
    }
}
