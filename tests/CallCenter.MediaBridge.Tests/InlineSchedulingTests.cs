using CallCenter.MediaBridge.Infrastructure;
using CallCenter.Simulators;
using CallCenter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// Kestrel's transport runs the bridge on its I/O thread (no thread-pool hop per Twilio message); every call's
/// set-up then runs there too, so nothing in it may block: many calls connecting at once must all get through.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class InlineSchedulingTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void The_bridge_host_runs_kestrels_transport_inline_unless_switched_off(string? setting, bool inline)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["MediaBridge:InlineSocketScheduling"] = setting });
        builder.AddMediaBridgeHost();
        using var app = builder.Build();

        Assert.Equal(inline, app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task Sixty_calls_connecting_at_once_on_the_inline_transport_all_reach_openai_relay_audio_and_end_cleanly()
    {
        const int calls = 60;
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 },
            new Dictionary<string, string?> { ["MediaBridge:InlineSocketScheduling"] = "true" });
        var seeded = await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => h.SeedCallAsync()));
        var headers = new Dictionary<string, string> { ["x-twilio-signature"] = SimulatedCall.Sign(BridgeHarness.AuthToken, h.MediaUrl) };

        // Every upgrade, connected and start at the same moment: each call's set-up (token, storage, the OpenAI connect) runs on the I/O thread.
        var streams = await Task.WhenAll(seeded.Select(async s =>
        {
            var streamSid = "MZ" + Guid.NewGuid().ToString("N");
            var client = await RawFrameClient.ConnectAsync(h.MediaUrl, headers);
            await client.SendAsync([.. Text(RawMediaSocket.Connected), .. Text(RawMediaSocket.Start(s.CallSid, h.Token(s.CallSid), streamSid))]);
            return (Client: client, StreamSid: streamSid);
        }));
        try
        {
            var open = await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.ActiveSessions), n => n == calls, TimeSpan.FromSeconds(60));
            Assert.Equal(calls, open);

            var before = h.OpenAi.AppendedFrames;
            await Task.WhenAll(streams.Select(s => s.Client.SendAsync(Text(Media(s.StreamSid)))));
            var relayed = await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.AppendedFrames - before), n => n == calls);
            Assert.Equal(calls, relayed);
        }
        finally
        {
            await Task.WhenAll(streams.Select(s => s.Client.DisposeAsync().AsTask()));
        }

        var metrics = await h.WaitUntilIdleAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, metrics.ActiveSessions);
        Assert.Equal(0, metrics.OpenSockets);
        Assert.Equal(0, h.OpenAi.ActiveSessions);
    }

    private static byte[] Text(string text) =>
        WebSocketFrameReaderTests.Frame(WebSocketFrames.Text, System.Text.Encoding.UTF8.GetBytes(text));

    private static string Media(string streamSid) =>
        "{\"event\":\"media\",\"streamSid\":\"" + streamSid + "\",\"media\":{\"track\":\"inbound\",\"chunk\":\"1\",\"timestamp\":\"0\",\"payload\":\""
        + Convert.ToBase64String(new byte[160]) + "\"}}";
}
