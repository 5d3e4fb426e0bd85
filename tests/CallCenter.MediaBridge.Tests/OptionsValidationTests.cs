using CallCenter.Core.Calls;
using CallCenter.Core.Twilio;
using CallCenter.MediaBridge.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// The bridge's options are bound and validated by generated code (the Native AOT build has no reflection over
/// attributes): the same refusals at start as the attributes and <see cref="MediaBridgeOptions.Validate"/> state.
/// </summary>
public sealed class OptionsValidationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        ["Bridge:StreamUrl"] = "wss://bridge.example.test/media",
        ["Bridge:TokenSigningKey"] = "a-signing-key-of-at-least-32-characters",
        ["OpenAI:ApiKey"] = "sk-test",
        ["WebPubSub:Endpoint"] = "https://pubsub.example.test",
        ["Twilio:AccountSid"] = "AC00000000000000000000000000000000",
        ["Twilio:AuthToken"] = "twilio-test-auth-token-0123456789",
        ["MediaBridge:Port"] = "8080",
        ["MediaBridge:InternalPort"] = "8081",
        ["MediaBridge:GoodbyeTimeout"] = "00:00:15",
        ["MediaBridge:RealtimeTransport"] = "SdkProtocol",
    };

    [Fact]
    public void Valid_settings_pass_and_are_bound_by_the_generated_binder()
    {
        using var services = Build(Valid);

        services.GetRequiredService<IStartupValidator>().Validate();
        var bridge = services.GetRequiredService<IOptions<MediaBridgeOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(15), bridge.GoodbyeTimeout);
        Assert.Equal(RealtimeTransport.SdkProtocol, bridge.RealtimeTransport);
        Assert.Equal(new Uri("wss://bridge.example.test/media"), services.GetRequiredService<IOptions<BridgeOptions>>().Value.StreamUrl);
    }

    [Fact]
    public void Ranges_formats_and_the_options_own_rules_are_refused_at_start_by_generated_validators_only()
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["MediaBridge:InternalPort"] = "8080",            // MediaBridgeOptions.Validate: the ports must differ
            ["MediaBridge:GoodbyeTimeout"] = "00:05:00",      // [Range(typeof(TimeSpan), …)]
            ["MediaBridge:ApologyAudio"] = "not base64!",     // [Base64String]
            ["Twilio:AccountSid"] = "not-an-account-sid",     // [RegularExpression]
            ["Bridge:TokenSigningKey"] = "short",             // [MinLength]
        };
        using var services = Build(settings);

        var error = Assert.Throws<AggregateException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        var failures = error.InnerExceptions.Cast<OptionsValidationException>().ToDictionary(e => e.OptionsType, e => e.Failures.ToList());
        var bridge = failures[typeof(MediaBridgeOptions)];
        Assert.Contains(bridge, f => f.Contains("internal port must differ", StringComparison.Ordinal));
        Assert.Contains(bridge, f => f.Contains(nameof(MediaBridgeOptions.GoodbyeTimeout), StringComparison.Ordinal));
        Assert.Contains(bridge, f => f.Contains(nameof(MediaBridgeOptions.ApologyAudio), StringComparison.Ordinal));
        Assert.Contains(failures[typeof(TwilioOptions)], f => f.Contains(nameof(TwilioOptions.AccountSid), StringComparison.Ordinal));
        Assert.Contains(failures[typeof(BridgeOptions)], f => f.Contains(nameof(BridgeOptions.TokenSigningKey), StringComparison.Ordinal));

        // No reflection-based DataAnnotations validator is registered for them.
        Assert.All(
            services.GetServices<IValidateOptions<MediaBridgeOptions>>().Cast<object>()
                .Concat(services.GetServices<IValidateOptions<TwilioOptions>>())
                .Concat(services.GetServices<IValidateOptions<BridgeOptions>>()),
            v => Assert.DoesNotContain("DataAnnotation", v.GetType().Name, StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMediaBridge(configuration);
        return services.BuildServiceProvider();
    }
}
