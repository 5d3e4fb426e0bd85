using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CallCenter.Simulators;

/// <summary>
/// OpenAI Realtime (GA) on loopback, as strict as the real service where a call depends on it: one active
/// response at a time (<c>conversation_already_has_active_response</c> otherwise); <c>response.cancel</c> and
/// server-VAD interruption end a response as <c>cancelled</c> with GA's events in GA's order (a cancelled
/// function call still gets <c>response.function_call_arguments.done</c>, a cancelled audio item its
/// transcript as generated); <c>conversation.item.truncate</c> shortens the item's transcript and refuses an
/// offset past its audio; an unknown voice or audio format in <c>session.update</c> is an <c>error</c> and the
/// session keeps its settings (the default output is 24 kHz PCM). Speech is detected from the audio's energy.
/// </summary>
public sealed class FakeRealtimeServer : CallCenter.Fakes.LoopbackServer
{
    private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();
    private int _connections;
    private int _active;
    private int _responseCreates;
    private long _appends;
    private readonly long[] _usage = new long[6];

    public FakeRealtimeScript Script { get; set; } = new();

    /// <summary>Endpoint for <c>RealtimeClientOptions.Endpoint</c>: the SDK appends <c>/realtime?model=…</c>.</summary>
    public Uri Endpoint => new(Root, "/v1");

    public int Connections => Volatile.Read(ref _connections);
    public int ActiveSessions => Volatile.Read(ref _active);

    /// <summary>Client <c>response.create</c> events, accepted or refused.</summary>
    public int ResponseCreates => Volatile.Read(ref _responseCreates);

    public long AppendedFrames => Interlocked.Read(ref _appends);
    public ConcurrentQueue<TruncateEvent> Truncates { get; } = new();
    public ConcurrentQueue<string> SessionUpdates { get; } = new();
    public ConcurrentQueue<(string CallId, string Output)> FunctionOutputs { get; } = new();

    /// <summary>Message items the client created (a reconnecting bridge replays the conversation this way).</summary>
    public ConcurrentQueue<string> MessageItems { get; } = new();

    /// <summary>Every item the client created, as sent (messages, function calls and their outputs).</summary>
    public ConcurrentQueue<string> ClientItems { get; } = new();

    /// <summary>The <c>code</c> of every <c>error</c> event sent.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Each finished response: its id, status and the transcript of its audio as generated.</summary>
    public ConcurrentQueue<(string Id, string Status, string? Transcript)> Responses { get; } = new();

    /// <summary>Sees every event of every session, both ways, before it is handled or sent (schema checks).</summary>
    public Action<RealtimeDirection, ReadOnlyMemory<byte>>? Observer { get; set; }

    /// <summary>Answer new upgrades with 503, as an unreachable service would.</summary>
    public bool RefuseConnections { get; set; }

    /// <summary>Sessions whose client closed with a close handshake rather than dropping the connection.</summary>
    public int ClosedByClient => Volatile.Read(ref _closedByClient);

    private int _closedByClient;

    internal void CountResponseCreate() => Interlocked.Increment(ref _responseCreates);

    internal void CountAppend() => Interlocked.Increment(ref _appends);

    /// <summary>
    /// The usage of every <c>response.done</c> sent so far, summed: input text, input audio, cached text, cached
    /// audio, output text, output audio tokens.
    /// </summary>
    public long[] UsageTotals()
    {
        lock (_usage)
        {
            return [.. _usage];
        }
    }

    internal void AddUsage(params long[] tokens)
    {
        lock (_usage)
        {
            for (var i = 0; i < _usage.Length; i++)
            {
                _usage[i] += tokens[i];
            }
        }
    }

    internal void CountClientClose() => Interlocked.Increment(ref _closedByClient);

    /// <summary>Drops every open session without a close handshake, as a network fault would.</summary>
    public int AbortActiveSessions()
    {
        var n = 0;
        foreach (var socket in _sockets.Keys)
        {
            socket.Abort();
            n++;
        }

        return n;
    }

    public static async Task<FakeRealtimeServer> StartAsync(FakeRealtimeScript? script = null, int port = 0)
    {
        var server = new FakeRealtimeServer { Script = script ?? new FakeRealtimeScript() };
        await server.ListenAsync(port, CancellationToken.None).ConfigureAwait(false);
        return server;
    }

    protected override void Map(IEndpointRouteBuilder routes) => routes.Map("/v1/realtime", AcceptAsync);

    private async Task AcceptAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest || RefuseConnections)
        {
            http.Response.StatusCode = RefuseConnections ? 503 : 400;
            return;
        }

        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _active);
        try
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync("realtime").ConfigureAwait(false);
            _sockets[socket] = 0;
            try
            {
                await new FakeRealtimeSession(this, socket).RunAsync(http.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                _sockets.TryRemove(socket, out _);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }
}
