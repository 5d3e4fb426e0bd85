using System.Net;
using System.Net.WebSockets;
using System.Text;
using CallCenter.Simulators;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The simulated caller refuses what Twilio refuses (error 31924) and sends what Twilio sends.</summary>
public sealed class TwilioCallerSimulatorTests
{
    private const string StreamSid = "MZ00000000000000000000000000000001";

    public static TheoryData<string, string> Refused => new()
    {
        { "an unknown event", $$"""{"event":"play","streamSid":"{{StreamSid}}"}""" },
        { "a mark without the streamSid", """{"event":"mark","mark":{"name":"m1"}}""" },
        { "a clear for another stream", """{"event":"clear","streamSid":"MZ99999999999999999999999999999999"}""" },
        { "a payload that is not base64", $$$"""{"event":"media","streamSid":"{{{StreamSid}}}","media":{"payload":"not base64!"}}""" },
        { "a WAV file as payload", $$$"""{"event":"media","streamSid":"{{{StreamSid}}}","media":{"payload":"{{{Convert.ToBase64String(Encoding.ASCII.GetBytes("RIFF\0\0\0\0WAVEfmt "))}}}"}}""" },
        { "an empty payload", $$$"""{"event":"media","streamSid":"{{{StreamSid}}}","media":{"payload":""}}""" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_message_twilio_refuses_is_refused_and_ends_the_stream(string what, string message)
    {
        await using var twilio = await OneMessageServer.StartAsync(Encoding.UTF8.GetBytes(message));
        await using var call = await SimulatedCall.StartAsync(Options(twilio.Url));

        await call.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(call.Refused.Count == 1, what);
        Assert.StartsWith("31924", call.Refused.Single(), StringComparison.Ordinal);
        Assert.Equal(0, call.MediaReceived);
    }

    [Fact]
    public async Task Media_and_a_mark_of_this_stream_are_played_and_echoed()
    {
        var media = $$$"""{"event":"media","streamSid":"{{{StreamSid}}}","media":{"payload":"{{{Convert.ToBase64String(CallerAudio.Tone(20))}}}"}}""";
        await using var twilio = await OneMessageServer.StartAsync(
            Encoding.UTF8.GetBytes(media), Encoding.UTF8.GetBytes($$$"""{"event":"mark","streamSid":"{{{StreamSid}}}","mark":{"name":"m1"}}"""));
        await using var call = await SimulatedCall.StartAsync(Options(twilio.Url));

        var echo = await twilio.Received.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(call.Refused);
        Assert.Equal(1, call.MediaReceived);
        Assert.Contains("\"mark\":{\"name\":\"m1\"}", echo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dtmf_is_sent_as_twilio_documents_it()
    {
        await using var twilio = await OneMessageServer.StartAsync();
        await using var call = await SimulatedCall.StartAsync(Options(twilio.Url) with { Script = [new CallerStep.Dtmf("7")] });

        var dtmf = await twilio.Received.WaitAsync(TimeSpan.FromSeconds(30));

        using var doc = System.Text.Json.JsonDocument.Parse(dtmf);
        Assert.Equal("dtmf", doc.RootElement.GetProperty("event").GetString());
        Assert.Equal(StreamSid, doc.RootElement.GetProperty("streamSid").GetString());
        Assert.Equal("inbound_track", doc.RootElement.GetProperty("dtmf").GetProperty("track").GetString());
        Assert.Equal("7", doc.RootElement.GetProperty("dtmf").GetProperty("digit").GetString());
    }

    private static SimulatedCallOptions Options(Uri url) => new()
    {
        StreamUrl = url,
        AuthToken = "token",
        CallSid = "CA00000000000000000000000000000001",
        StreamSid = StreamSid,
    };

    /// <summary>A bridge stand-in: after connected and start it sends the given messages, then reports the first message after them.</summary>
    private sealed class OneMessageServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TaskCompletionSource<string> _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private OneMessageServer(WebApplication app, Uri url)
        {
            _app = app;
            Url = url;
        }

        public Uri Url { get; }

        public Task<string> Received => _received.Task;

        public static async Task<OneMessageServer> StartAsync(params byte[][] messages)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.UseWebSockets();
            OneMessageServer? server = null;
            app.Map("/media", async (HttpContext http) =>
            {
                using var socket = await http.WebSockets.AcceptWebSocketAsync();
                var buffer = new byte[65536];
                for (var i = 0; i < 2; i++)
                {
                    await socket.ReceiveAsync(buffer, default); // connected, start
                }

                foreach (var message in messages)
                {
                    await socket.SendAsync(message, WebSocketMessageType.Text, true, default);
                }

                try
                {
                    while (true)
                    {
                        var r = await socket.ReceiveAsync(buffer, default);
                        if (r.MessageType == WebSocketMessageType.Close)
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, default);
                            return;
                        }

                        server!._received.TrySetResult(Encoding.UTF8.GetString(buffer, 0, r.Count));
                    }
                }
                catch (WebSocketException)
                {
                }
            });
            await app.StartAsync();
            var address = new Uri(app.Urls.First());
            server = new OneMessageServer(app, new Uri($"ws://127.0.0.1:{address.Port}/media"));
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
