using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CallCenter.Simulators;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The Realtime stand-in refuses what OpenAI refuses, in GA's events and order (checked against the schema too).</summary>
public sealed class FakeRealtimeServerTests : IAsyncLifetime
{
    private const string PcmuSession = """{"type":"session.update","session":{"type":"realtime","audio":{"input":{"format":{"type":"audio/pcmu"}},"output":{"format":{"type":"audio/pcmu"},"voice":"marin"}}}}""";

    private readonly ConcurrentQueue<string> _violations = new();
    private FakeRealtimeServer _server = null!;
    private ClientWebSocket _socket = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeRealtimeServer.StartAsync(new FakeRealtimeScript { GreetingMs = 2000, PaceAudio = true, FunctionResponseDoneDelayMs = 0 });
        _server.Observer = (direction, message) =>
        {
            if (RealtimeSchema.Instance.Check(direction, message) is { } v)
            {
                _violations.Enqueue(v);
            }
        };
        _socket = new ClientWebSocket();
        _socket.Options.AddSubProtocol("realtime");
        await _socket.ConnectAsync(new Uri(_server.Endpoint.ToString().Replace("http", "ws", StringComparison.Ordinal) + "/realtime?model=gpt-realtime"), default);
        Assert.Equal("session.created", Type(await ReceiveAsync()));
    }

    public async Task DisposeAsync()
    {
        _socket.Dispose();
        await _server.DisposeAsync();
        Assert.Empty(_violations);
    }

    [Fact]
    public async Task A_second_response_create_while_one_is_active_is_refused()
    {
        await StartGreetingAsync();
        await ReceiveUntilAsync("response.created");
        await SendAsync("""{"type":"response.create","event_id":"evt_2"}""");

        var error = await ReceiveUntilAsync("error");
        Assert.Equal("conversation_already_has_active_response", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("evt_2", error.GetProperty("error").GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task A_cancelled_response_ends_as_cancelled_with_the_transcript_generated_in_ga_order()
    {
        await StartGreetingAsync();
        await ReceiveUntilAsync("response.output_audio.delta");
        await SendAsync("""{"type":"response.cancel"}""");

        var types = new List<string>();
        JsonElement e;
        do
        {
            e = await ReceiveAsync();
            types.Add(Type(e));
        }
        while (Type(e) != "response.done");

        Assert.Equal(
            ["response.output_audio.done", "response.output_audio_transcript.done", "response.content_part.done", "response.output_item.done", "conversation.item.done", "response.done"],
            types.Where(t => !t.EndsWith(".delta", StringComparison.Ordinal)));
        Assert.Equal("cancelled", e.GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("client_cancelled", e.GetProperty("response").GetProperty("status_details").GetProperty("reason").GetString());
        var (_, _, transcript) = Assert.Single(_server.Responses);
        Assert.NotEqual("Hello, thanks for calling.", transcript);
    }

    [Fact]
    public async Task An_unknown_voice_is_an_error_and_the_session_keeps_its_settings()
    {
        await SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"output":{"format":{"type":"audio/pcmu"},"voice":"nova"}}}}""");
        var error = await ReceiveUntilAsync("error");
        Assert.Equal("session.audio.output.voice", error.GetProperty("error").GetProperty("param").GetString());

        await SendAsync("""{"type":"session.update","session":{"type":"realtime","instructions":"Be brief."}}""");
        var output = (await ReceiveUntilAsync("session.updated")).GetProperty("session").GetProperty("audio").GetProperty("output");
        Assert.Equal("alloy", output.GetProperty("voice").GetString());
        Assert.Equal("audio/pcm", output.GetProperty("format").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_truncate_past_the_items_audio_is_an_error_and_one_within_it_shortens_the_transcript()
    {
        await StartGreetingAsync();
        var itemId = (await ReceiveUntilAsync("response.output_audio.delta")).GetProperty("item_id").GetString();
        await ReceiveUntilAsync("response.done");

        await SendAsync($$"""{"type":"conversation.item.truncate","item_id":"{{itemId}}","content_index":0,"audio_end_ms":60000}""");
        Assert.Equal("invalid_value", (await ReceiveUntilAsync("error")).GetProperty("error").GetProperty("code").GetString());
        await SendAsync($$"""{"type":"conversation.item.truncate","item_id":"{{itemId}}","content_index":0,"audio_end_ms":1000}""");
        var truncated = await ReceiveUntilAsync("conversation.item.truncated");
        Assert.Equal(1000, truncated.GetProperty("audio_end_ms").GetInt32());
    }

    [Theory]
    [InlineData("""{"type":"message","role":"user","content":[{"type":"output_text","text":"pressed 3"}]}""", "invalid_value", "item.content[0].type")]
    [InlineData("""{"type":"message","role":"caller","content":[{"type":"input_text","text":"pressed 3"}]}""", "invalid_value", "item.role")]
    [InlineData("""{"type":"message","role":"user","content":[]}""", "missing_required_parameter", "item.content")]
    [InlineData("""{"type":"message","role":"user","content":[{"type":"input_text"}]}""", "missing_required_parameter", "item.content[0].text")]
    public async Task A_malformed_message_item_is_refused_with_an_error_and_not_added(string item, string code, string param)
    {
        await SendAsync($$"""{"type":"conversation.item.create","event_id":"evt_item","item":{{item}}}""");

        var error = await ReceiveUntilAsync("error");
        Assert.Equal((code, param), (error.GetProperty("error").GetProperty("code").GetString(), error.GetProperty("error").GetProperty("param").GetString()));
        Assert.Empty(_server.MessageItems);

        // Sent on purpose: the schema check would refuse them as well.
        _violations.Clear();
    }

    [Fact]
    public async Task With_create_response_off_a_caller_turn_is_committed_but_not_answered()
    {
        await SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"format":{"type":"audio/pcmu"},"turn_detection":{"type":"server_vad","create_response":false,"interrupt_response":false}}}}}""");
        await ReceiveUntilAsync("session.updated");
        foreach (var frame in CallerAudio.Speech(400).Chunk(160).Concat(CallerAudio.Silence(400).Chunk(160)))
        {
            await SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(frame)}}"}""");
        }

        await ReceiveUntilAsync("input_audio_buffer.committed");
        await Task.Delay(300);

        Assert.Empty(_server.Responses);
        Assert.Empty(_server.Errors);
    }

    /// <summary>A μ-law session, then the greeting is asked for.</summary>
    private async Task StartGreetingAsync()
    {
        await SendAsync(PcmuSession);
        await ReceiveUntilAsync("session.updated");
        await SendAsync("""{"type":"response.create"}""");
    }

    private Task SendAsync(string json) => _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, default);

    private async Task<JsonElement> ReceiveUntilAsync(string type)
    {
        while (true)
        {
            var e = await ReceiveAsync();
            if (Type(e) == type)
            {
                return e;
            }
        }
    }

    private async Task<JsonElement> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[1 << 20];
        var filled = 0;
        ValueWebSocketReceiveResult r;
        do
        {
            r = await _socket.ReceiveAsync(buffer.AsMemory(filled), timeout.Token);
            filled += r.Count;
        }
        while (!r.EndOfMessage);

        return JsonDocument.Parse(buffer.AsMemory(0, filled)).RootElement.Clone();
    }

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;
}
