using CallCenter.Fakes;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// The remote services the product calls (Twilio's REST API and recording media, OpenAI, Web PubSub), run in the
/// bench's process rather than in the host's, so the host's CPU is the Functions host's own. The host is pointed at
/// them through the environment, which has the last word over the local host's own stand-ins.
/// </summary>
internal sealed class StandIns : IAsyncDisposable
{
    public const string AuthToken = "local-twilio-auth-token-not-a-secret";
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string LiveEventsKey = "bench-web-pubsub-access-key-not-a-secret";

    private StandIns(FakeTwilioApi twilio, FakeOpenAiApi openAi, FakeWebPubSub liveEvents)
    {
        Twilio = twilio;
        OpenAi = openAi;
        LiveEvents = liveEvents;
    }

    public FakeTwilioApi Twilio { get; }
    public FakeOpenAiApi OpenAi { get; }
    public FakeWebPubSub LiveEvents { get; }

    public Dictionary<string, string> HostEnvironment => new()
    {
        ["Twilio__ApiBaseUrl"] = Twilio.Root.AbsoluteUri,
        ["OpenAI__Endpoint"] = OpenAi.Endpoint.AbsoluteUri,
        ["WebPubSub__Endpoint"] = LiveEvents.Root.AbsoluteUri,
        ["WebPubSub__AccessKey"] = LiveEventsKey,
    };

    public static async Task<StandIns> StartAsync() =>
        new(await FakeTwilioApi.StartAsync(AccountSid, AuthToken), await FakeOpenAiApi.StartAsync(), await FakeWebPubSub.StartAsync(LiveEventsKey));

    public async ValueTask DisposeAsync()
    {
        await LiveEvents.DisposeAsync();
        await OpenAi.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}
