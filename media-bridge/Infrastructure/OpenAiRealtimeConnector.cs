using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.WebSockets;
using CallCenter.Core.OpenAi;
using Microsoft.Extensions.Options;
using OpenAI.Realtime;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// Opens sessions through the OpenAI SDK's Realtime client. Events go through the SDK's protocol-level
/// methods (raw JSON), because the bridge sends GA-shaped events verbatim and copies audio payloads without
/// decoding them; the typed model would decode and re-encode every frame.
/// </summary>
internal sealed class OpenAiRealtimeConnector(IOptions<MediaBridgeOptions> options, IOptions<OpenAiOptions> openAi) : IRealtimeConnector
{
    private readonly RealtimeClient _client = new(
        new ApiKeyCredential(openAi.Value.ApiKey),
        options.Value.OpenAiEndpoint is { } endpoint ? new RealtimeClientOptions { Endpoint = endpoint } : new RealtimeClientOptions());

    public async Task<IRealtimeLink> ConnectAsync(CancellationToken ct)
    {
        var session = await _client.StartConversationSessionAsync(options.Value.RealtimeModel, cancellationToken: ct).ConfigureAwait(false);
        return options.Value.RealtimeTransport == RealtimeTransport.SdkSocket
            ? new SocketRealtimeLink(session)
            : new SdkRealtimeLink(session);
    }

    private sealed class SocketRealtimeLink(RealtimeSessionClient session) : IRealtimeLink
    {
        /// <summary>
        /// The largest server event is the session echo (instructions of at most 20,000 characters plus the
        /// tools), tens of KiB; audio deltas are a few KiB. A message over 1 MiB is not one OpenAI sends: the
        /// socket is closed with 1009 and the session treats it as a dropped connection.
        /// </summary>
        internal const int MaxOpenAiMessageBytes = 1024 * 1024;

        /// <summary>What a call's receive buffer starts at: an audio delta and every other event but a few fit.</summary>
        internal const int ReceiveBufferBytes = 4096;

        /// <summary>
        /// The largest receive buffer a call keeps between events. The session echoes (<c>session.created</c> and
        /// <c>session.updated</c>, with the instructions and tools) grow it to tens of KiB at the start of every
        /// call; kept, that would be every call's largest buffer for its whole life.
        /// </summary>
        internal const int KeptReceiveBufferBytes = 16 * 1024;

        private readonly WebSocket _socket = session.WebSocket;
        private readonly SemaphoreSlim _send = new(1, 1);

        public Task SendAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
        {
            // The audio path's common case, without an async frame: the lock is free and the kernel takes the
            // frame at once (an audio frame is a few hundred bytes), so the send completes where it started.
            if (ct.IsCancellationRequested || !_send.Wait(0))
            {
                return SendLockedAsync(json, ct);
            }

            ValueTask sent;
            try
            {
                sent = _socket.SendAsync(json, WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (Exception e)
            {
                // As from an async method: the failure is the task's, not the caller's call.
                _send.Release();
                return Task.FromException(e);
            }

            if (sent.IsCompletedSuccessfully)
            {
                sent.GetAwaiter().GetResult();
                _send.Release();
                return Task.CompletedTask;
            }

            return ReleaseAfterAsync(sent);
        }

        private async Task ReleaseAfterAsync(ValueTask sent)
        {
            try
            {
                await sent.ConfigureAwait(false);
            }
            finally
            {
                _send.Release();
            }
        }

        private async Task SendLockedAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
        {
            // Audio (the Twilio loop) and control events (the OpenAI loop, tools) share the socket.
            await _send.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                // No token on the socket itself: a cancelable token sends every frame down the WebSocket's
                // slower, registering path. Disposing the link aborts a send that never completes.
                await _socket.SendAsync(json, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _send.Release();
            }
        }

        public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReceiveAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
            try
            {
                while (true)
                {
                    // The event before this one was large: back to a small buffer (one comparison per event otherwise).
                    if (buffer.Length > KeptReceiveBufferBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
                    }

                    var filled = 0;
                    ValueWebSocketReceiveResult r;
                    do
                    {
                        if (filled == buffer.Length)
                        {
                            if (filled >= MaxOpenAiMessageBytes)
                            {
                                await SocketClose.QuietlyAsync(_socket, WebSocketCloseStatus.MessageTooBig, "message too big").ConfigureAwait(false);
                                throw new WebSocketException(WebSocketError.Faulted, $"OpenAI sent a message over {MaxOpenAiMessageBytes} bytes.");
                            }

                            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            buffer.AsSpan(0, filled).CopyTo(bigger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                        }

                        // As for sends: no per-receive registration; Dispose ends a pending receive.
                        r = await _socket.ReceiveAsync(buffer.AsMemory(filled), CancellationToken.None).ConfigureAwait(false);
                        if (r.MessageType == WebSocketMessageType.Close)
                        {
                            yield break;
                        }

                        filled += r.Count;
                    }
                    while (!r.EndOfMessage);

                    // Valid until the next MoveNext: the session handles each message before asking for another.
                    yield return buffer.AsMemory(0, filled);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public async Task CloseAsync(CancellationToken ct)
        {
            await _send.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await SendCloseAsync(_socket, ct).ConfigureAwait(false);
            }
            finally
            {
                _send.Release();
            }

            await AwaitCloseAsync(_socket, ct).ConfigureAwait(false);
        }

        public void Dispose()
        {
            session.Dispose();
            _send.Dispose();
        }
    }

    private sealed class SdkRealtimeLink(RealtimeSessionClient session) : IRealtimeLink
    {
        // A call sends with one token for its whole life: reuse the options rather than allocate per frame.
        private RequestOptions _sendOptions = new();

        public Task SendAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
        {
            if (_sendOptions.CancellationToken != ct)
            {
                _sendOptions = new RequestOptions { CancellationToken = ct };
            }

            return session.SendCommandAsync(BinaryData.FromBytes(json), _sendOptions);
        }

        public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReceiveAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var result in session.ReceiveUpdatesAsync(new RequestOptions { CancellationToken = ct }).ConfigureAwait(false))
            {
                yield return result.GetRawResponse().Content.ToMemory();
            }
        }

        public async Task CloseAsync(CancellationToken ct)
        {
            await SendCloseAsync(session.WebSocket, ct).ConfigureAwait(false);
            await AwaitCloseAsync(session.WebSocket, ct).ConfigureAwait(false);
        }

        public void Dispose() => session.Dispose();
    }

    private static async Task SendCloseAsync(WebSocket socket, CancellationToken ct)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", ct).ConfigureAwait(false);
        }
    }

    /// <summary>The server's close frame arrives on the session's receive loop; the socket is closed once it has.</summary>
    private static async Task AwaitCloseAsync(WebSocket socket, CancellationToken ct)
    {
        while (socket.State == WebSocketState.CloseSent)
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }
}
