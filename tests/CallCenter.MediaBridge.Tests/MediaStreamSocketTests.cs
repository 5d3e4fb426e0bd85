using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.MediaBridge.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// The Twilio socket's own RFC 6455 server side on real Kestrel: an echo endpoint built on
/// <see cref="MediaStreamSocket"/> answers each message with the message and an "ack" in one write, and
/// "mode?" with how it writes ("direct" to the socket, or "stream"); <c>?fast</c> sets a 100 ms keep-alive.
/// </summary>
public sealed class MediaStreamSocketTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<MediaRead> _ends = new();
    private WebApplication _app = null!;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async http =>
        {
            using var socket = await MediaStreamSocket.AcceptAsync(http, http.Request.Query.ContainsKey("fast") ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(30));
            if (socket is null)
            {
                http.Response.StatusCode = 400;
                return;
            }

            using var inbox = new TwilioMessageBuffer();
            MediaRead read;
            while ((read = await socket.ReceiveAsync(inbox)) == MediaRead.Message)
            {
                if (inbox.Message.SequenceEqual("mode?"u8))
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(socket.WritesDirect ? "direct" : "stream"));
                }
                else
                {
                    await socket.SendTogetherAsync(inbox.Message.ToArray(), "ack"u8.ToArray());
                }
            }

            if (read == MediaRead.TooBig)
            {
                await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "message too big");
            }

            _ends.Enqueue(read);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null);
        });
        await _app.StartAsync();
        _url = new Uri(_app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/media");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static byte[] Masked(byte opcode, string text, bool final = true) =>
        WebSocketFrameReaderTests.Frame(opcode, Encoding.UTF8.GetBytes(text), final);

    [Fact]
    public async Task The_handshake_answers_the_rfc_example_key_with_its_accept_value()
    {
        await using var client = await RawFrameClient.ConnectAsync(_url);

        Assert.True(client.ResponseHead.StartsWith("HTTP/1.1 101", StringComparison.Ordinal), client.ResponseHead);
        Assert.True(client.ResponseHead.Contains($"Sec-WebSocket-Accept: {RawFrameClient.ExampleAccept}", StringComparison.OrdinalIgnoreCase), client.ResponseHead);
    }

    [Fact]
    public async Task The_rfc_masked_hello_is_echoed_unmasked_with_its_ack_and_later_writes_go_straight_to_the_socket()
    {
        await using var client = await RawFrameClient.ConnectAsync(_url);

        await client.SendAsync([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
        var echo = await client.ReadFrameAsync();
        var ack = await client.ReadFrameAsync();
        await client.SendAsync(Masked(WebSocketFrames.Text, "mode?"));
        var mode = await client.ReadFrameAsync();

        Assert.Equal((WebSocketFrames.Text, true, "Hello"), (echo!.Value.Opcode, echo.Value.Final, Encoding.UTF8.GetString(echo.Value.Payload)));
        Assert.Equal("ack", Encoding.UTF8.GetString(ack!.Value.Payload));
        Assert.Equal("direct", Encoding.UTF8.GetString(mode!.Value.Payload));
    }

    [Fact]
    public async Task A_ping_between_fragments_is_answered_with_its_payload_and_the_message_arrives_whole()
    {
        await using var client = await RawFrameClient.ConnectAsync(_url);

        await client.SendAsync([.. Masked(WebSocketFrames.Text, "Hel", final: false), .. Masked(WebSocketFrames.Ping, "are you there"), .. Masked(WebSocketFrames.Continuation, "lo")]);

        var pong = await client.ReadFrameAsync();
        var echo = await client.ReadFrameAsync();
        Assert.Equal((WebSocketFrames.Pong, "are you there"), (pong!.Value.Opcode, Encoding.UTF8.GetString(pong.Value.Payload)));
        Assert.Equal("Hello", Encoding.UTF8.GetString(echo!.Value.Payload));
    }

    [Fact]
    public async Task An_unmasked_frame_is_answered_with_close_1002_and_the_connection_ends()
    {
        await using var client = await RawFrameClient.ConnectAsync(_url);

        await client.SendAsync([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
        var frames = await client.ReadUntilClosedAsync();

        var close = Assert.Single(frames);
        Assert.Equal(WebSocketFrames.Close, close.Opcode);
        Assert.Equal(1002, BinaryPrimitives.ReadUInt16BigEndian(close.Payload));
        Assert.Equal(new[] { MediaRead.Closed }, await Ends());
    }

    [Fact]
    public async Task Text_that_is_not_utf8_is_answered_with_close_1007()
    {
        await using var client = await RawFrameClient.ConnectAsync(_url);

        await client.SendAsync(WebSocketFrameReaderTests.Frame(WebSocketFrames.Text, [0x7B, 0xC3, 0x28, 0x7D]));
        var frames = await client.ReadUntilClosedAsync();

        Assert.Equal(1007, BinaryPrimitives.ReadUInt16BigEndian(Assert.Single(frames).Payload));
    }

    [Fact]
    public async Task A_client_close_is_answered_with_its_own_code_and_ends_the_stream()
    {
        await using var client = await RawFrameClient.ConnectAsync(_url);

        await client.SendAsync(WebSocketFrameReaderTests.Frame(WebSocketFrames.Close, [0x03, 0xE9, .. "going"u8]));
        var frames = await client.ReadUntilClosedAsync();

        var close = Assert.Single(frames);
        Assert.Equal(WebSocketFrames.Close, close.Opcode);
        Assert.Equal(1001, BinaryPrimitives.ReadUInt16BigEndian(close.Payload));
        Assert.Equal(new[] { MediaRead.Closed }, await Ends());
    }

    [Fact]
    public async Task A_connection_dropped_mid_frame_ends_the_stream()
    {
        var client = await RawFrameClient.ConnectAsync(_url);
        await client.SendAsync(Masked(WebSocketFrames.Text, "cut short")[..8]);

        await client.DisposeAsync();

        Assert.Equal(new[] { MediaRead.Closed }, await Ends());
    }

    [Fact]
    public async Task A_frame_declaring_more_than_64_KiB_is_closed_with_1009_once_64_KiB_have_come()
    {
        await using var client = await RawFrameClient.ConnectAsync(_url);
        var frame = WebSocketFrameReaderTests.Frame(WebSocketFrames.Text, new byte[TwilioMessageBuffer.MaxMessageBytes + 1000]);

        await client.SendAsync(frame[..(frame.Length - 900)]);
        var frames = await client.ReadUntilClosedAsync();

        Assert.Equal(1009, BinaryPrimitives.ReadUInt16BigEndian(Assert.Single(frames).Payload));
        Assert.Equal(new[] { MediaRead.TooBig }, await Ends());
    }

    [Fact]
    public async Task An_idle_socket_gets_an_unsolicited_pong_every_keep_alive_interval()
    {
        await using var client = await RawFrameClient.ConnectAsync(new Uri(_url + "?fast=1"));

        var first = await client.ReadFrameAsync(TimeSpan.FromSeconds(5));
        var second = await client.ReadFrameAsync(TimeSpan.FromSeconds(5));

        Assert.Equal((WebSocketFrames.Pong, 0), (first!.Value.Opcode, first.Value.Payload.Length));
        Assert.Equal(WebSocketFrames.Pong, second!.Value.Opcode);
    }

    [Fact]
    public async Task A_dotnet_client_web_socket_talks_to_it_fragments_and_close_handshake_included()
    {
        using var client = new ClientWebSocket();
        await client.ConnectAsync(_url, CancellationToken.None);

        await client.SendAsync("{\"event\":"u8.ToArray(), WebSocketMessageType.Text, false, CancellationToken.None);
        await client.SendAsync("\"media\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var echo = await client.ReceiveAsync(buffer, CancellationToken.None);
        var echoed = Encoding.UTF8.GetString(buffer, 0, echo.Count);
        var ack = await client.ReceiveAsync(buffer, CancellationToken.None);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal("{\"event\":\"media\"}", echoed);
        Assert.True(echo.EndOfMessage);
        Assert.Equal("ack", Encoding.UTF8.GetString(buffer, 0, ack.Count));
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    private async Task<MediaRead[]> Ends()
    {
        await BridgeHarness.Eventually(() => Task.FromResult(_ends.Count), n => n > 0, TimeSpan.FromSeconds(10));
        return [.. _ends];
    }
}
