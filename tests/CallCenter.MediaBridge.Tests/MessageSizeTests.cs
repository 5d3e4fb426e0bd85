using System.Net.WebSockets;
using CallCenter.MediaBridge.Sessions;
using CallCenter.Simulators;
using CallCenter.Testing;
using Xunit.Abstractions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>What one socket can make the bridge hold: a message has a cap, and passing it ends the stream.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MessageSizeTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    // Small fragments: the client's own send buffers (pooled, kept in this same process) stay small.
    private const int Chunk = 4 * 1024;
    private const int AttackBytes = 16 * 1024 * 1024;
    private const int Attacks = 3;

    [Fact]
    public async Task A_16_MiB_message_that_never_ends_closes_the_socket_with_1009_and_the_bridge_keeps_its_memory_attack_after_attack()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });

        var chunk = new byte[Chunk];
        Array.Fill(chunk, (byte)'a');
        chunk[0] = (byte)'"';
        long before = 0;

        // Streams in turn, each sending one text message that never ends (every fragment has endOfMessage
        // false). The first also fills what a first call and a first big message leave in pools and caches
        // for later ones (the receive buffer's 64 KiB, connections to the live-events service); the memory is
        // counted from its end.
        var results = new List<(WebSocketCloseStatus? Status, int Sent)>();
        for (var attack = 0; attack < Attacks; attack++)
        {
            if (attack == 1)
            {
                before = ManagedBytes();
            }

            await using var socket = await LiveStreamAsync(h);
            var closed = socket.WaitForCloseAsync(TimeSpan.FromSeconds(60));
            var sent = 0;
            try
            {
                while (sent < AttackBytes && !closed.IsCompleted)
                {
                    await socket.SendAsync(chunk, endOfMessage: false);
                    sent += Chunk;
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
            {
                // The bridge closed the connection under the sender.
            }

            results.Add((await closed, sent));
            await h.WaitUntilIdleAsync();
        }

        var metrics = await h.WaitUntilIdleAsync();
        var grown = ManagedBytes() - before;

        output.WriteLine($"attacks (close, bytes sent before it): {string.Join(", ", results)}; managed memory grown {grown} bytes");
        Assert.All(results, r => Assert.Equal(WebSocketCloseStatus.MessageTooBig, r.Status));
        Assert.True(grown < 1024 * 1024, $"managed memory grew by {grown} bytes");
        Assert.Equal(0, metrics.OpenSockets);
        Assert.Equal(0, h.OpenAi.ActiveSessions);
    }

    private static long ManagedBytes()
    {
        // Twice, with finalizers in between, so that what only awaited finalization is gone too.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public async Task A_message_of_64_KiB_is_read_and_one_byte_more_is_refused()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });

        await using var socket = await LiveStreamAsync(h);

        await socket.SendAsync(Padded(TwilioMessageBuffer.MaxMessageBytes));
        await Task.Delay(300);
        var stillOpen = h.OpenAi.ActiveSessions == 1;
        await socket.SendAsync(Padded(TwilioMessageBuffer.MaxMessageBytes + 1));

        Assert.True(stillOpen, "a message of exactly the cap is taken");
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await socket.WaitForCloseAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>A stream of a new call, past its start and with its OpenAI session open.</summary>
    private static async Task<RawMediaSocket> LiveStreamAsync(BridgeHarness h)
    {
        var (callSid, _) = await h.SeedCallAsync();
        var socket = await RawMediaSocket.StartAsync(h, RawMediaSocket.Start(callSid, h.Token(callSid)));
        await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.ActiveSessions), n => n == 1);
        return socket;
    }

    /// <summary>A well-formed Twilio message (an unknown event, which the bridge ignores) of exactly this many bytes.</summary>
    private static byte[] Padded(int bytes)
    {
        var head = """{"event":"dtmf","pad":" """u8.ToArray()[..^1];
        var tail = "\"}"u8.ToArray();
        var message = new byte[bytes];
        head.CopyTo(message, 0);
        message.AsSpan(head.Length, bytes - head.Length - tail.Length).Fill((byte)'x');
        tail.CopyTo(message, bytes - tail.Length);
        return message;
    }
}
