using System.Buffers.Binary;
using System.Text;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.Simulators;
using CallCenter.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The bridge's own RFC 6455 framing on a live call: what Twilio may send is relayed, what the RFC refuses ends the call cleanly.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TwilioFramingTests(AzuriteFixture azurite)
{
    private static byte[] Masked(byte opcode, string text, bool final = true) =>
        WebSocketFrameReaderTests.Frame(opcode, Encoding.UTF8.GetBytes(text), final);

    private static string Media(string streamSid) =>
        "{\"event\":\"media\",\"streamSid\":\"" + streamSid + "\",\"media\":{\"track\":\"inbound\",\"chunk\":\"1\",\"timestamp\":\"0\",\"payload\":\""
        + Convert.ToBase64String(new byte[160]) + "\"}}";

    /// <summary>A raw stream of a new call, past its start and with its OpenAI session open.</summary>
    private static async Task<(RawFrameClient Client, string StreamSid)> LiveStreamAsync(BridgeHarness h)
    {
        var (callSid, _) = await h.SeedCallAsync();
        var streamSid = "MZ" + Guid.NewGuid().ToString("N");
        var client = await RawFrameClient.ConnectAsync(h.MediaUrl,
            new Dictionary<string, string> { ["x-twilio-signature"] = SimulatedCall.Sign(BridgeHarness.AuthToken, h.MediaUrl) });
        await client.SendAsync([.. Masked(WebSocketFrames.Text, RawMediaSocket.Connected), .. Masked(WebSocketFrames.Text, RawMediaSocket.Start(callSid, h.Token(callSid), streamSid))]);
        await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.ActiveSessions), n => n == 1);
        return (client, streamSid);
    }

    [Fact]
    public async Task Media_in_fragments_with_a_ping_between_them_reaches_openai_and_the_ping_is_answered()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        var (client, streamSid) = await LiveStreamAsync(h);
        await using var _ = client;
        var media = Media(streamSid);
        var before = h.OpenAi.AppendedFrames;

        await client.SendAsync([.. Masked(WebSocketFrames.Text, media[..40], final: false), .. Masked(WebSocketFrames.Ping, "hb"),
            .. Masked(WebSocketFrames.Continuation, media[40..100], final: false), .. Masked(WebSocketFrames.Continuation, media[100..])]);
        await client.SendAsync(Masked(WebSocketFrames.Text, media));

        await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.AppendedFrames - before), n => n == 2);
        var pong = await ReadUntilAsync(client, WebSocketFrames.Pong);
        Assert.Equal("hb", Encoding.UTF8.GetString(pong));
    }

    [Fact]
    public async Task An_unmasked_frame_mid_call_is_closed_with_1002_and_the_call_leaves_nothing_behind()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        var (client, streamSid) = await LiveStreamAsync(h);
        await using var _ = client;

        await client.SendAsync(WebSocketFrameReaderTests.Frame(WebSocketFrames.Text, Encoding.UTF8.GetBytes(Media(streamSid)), masked: false));
        var frames = await client.ReadUntilClosedAsync();
        var metrics = await h.WaitUntilIdleAsync();

        var close = frames[^1];
        Assert.Equal(WebSocketFrames.Close, close.Opcode);
        Assert.Equal(1002, BinaryPrimitives.ReadUInt16BigEndian(close.Payload));
        Assert.Equal(0, metrics.OpenSockets);
        Assert.Equal(0, h.OpenAi.ActiveSessions);
    }

    [Fact]
    public async Task A_caller_that_drops_the_connection_mid_frame_ends_its_call_and_leaves_nothing_behind()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        var (client, streamSid) = await LiveStreamAsync(h);

        await client.SendAsync(Masked(WebSocketFrames.Text, Media(streamSid))[..50]);
        await client.DisposeAsync();
        var metrics = await h.WaitUntilIdleAsync();

        Assert.Equal(0, metrics.OpenSockets);
        Assert.Equal(0, metrics.ActiveSessions);
        Assert.Equal(0, h.OpenAi.ActiveSessions);
    }

    private static async Task<byte[]> ReadUntilAsync(RawFrameClient client, byte opcode)
    {
        while (await client.ReadFrameAsync() is { } frame)
        {
            if (frame.Opcode == opcode)
            {
                return frame.Payload;
            }
        }

        throw new InvalidOperationException($"the bridge closed before sending opcode {opcode}");
    }
}
