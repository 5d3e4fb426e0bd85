using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CallCenter.Simulators;

/// <summary>One Realtime session of <see cref="FakeRealtimeServer"/>: its settings, its conversation and its one active response.</summary>
internal sealed class FakeRealtimeSession(FakeRealtimeServer server, WebSocket socket)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly HashSet<string> Formats = new(StringComparer.Ordinal) { "audio/pcm", "audio/pcmu", "audio/pcma" };

    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly byte[] _audio = new byte[16384];
    private readonly FakeRealtimeScript _script = server.Script;
    private readonly object _state = new();
    private readonly List<Item> _items = [];
    private JsonObject _session = null!;
    private Response? _active;
    private Task _responseTask = Task.CompletedTask;
    private int _ids;
    private bool _speaking;
    private int _silentMs;
    private long _audioMs;
    private long _speechStartMs;
    private int _callerTurns;
    private bool _endCallSent;
    private string? _speechItem;
    private long _lastInputText;
    private long _lastInputAudio;

    public async Task RunAsync(CancellationToken aborted)
    {
        using var life = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var ct = life.Token;
        _session = DefaultSession();
        try
        {
            await SendAsync(new { type = "session.created", event_id = Id("event"), session = _session }, ct).ConfigureAwait(false);
            var buffer = new byte[65536];
            while (true)
            {
                var filled = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    if (filled == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    r = await socket.ReceiveAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        server.CountClientClose();
                        await _send.WaitAsync(ct).ConfigureAwait(false);
                        try
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct).ConfigureAwait(false);
                        }
                        finally
                        {
                            _send.Release();
                        }

                        return;
                    }

                    filled += r.Count;
                }
                while (!r.EndOfMessage);

                server.Observer?.Invoke(RealtimeDirection.ClientToServer, buffer.AsMemory(0, filled));
                await OnMessageAsync(buffer.AsMemory(0, filled), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            await life.CancelAsync().ConfigureAwait(false);
            lock (_state)
            {
                _active?.Cancel("client_cancelled");
            }

            await Quietly(_responseTask).ConfigureAwait(false);
        }
    }

    // ---------------------------------------------------------------- client events

    private async Task OnMessageAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        var appended = TryAppend(message.Span);
        if (appended >= 0)
        {
            server.CountAppend();
            if (_script.VoiceActivityDetection && InputIsPcmu())
            {
                await DetectSpeechAsync(_audio.AsMemory(0, appended), ct).ConfigureAwait(false);
            }

            return;
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(message.Span) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            await ErrorAsync("invalid_json", "The event is not a JSON object.", null, null, ct).ConfigureAwait(false);
            return;
        }

        var eventId = (string?)root["event_id"];
        switch ((string?)root["type"])
        {
            case "session.update":
                await UpdateSessionAsync(root, eventId, ct).ConfigureAwait(false);
                break;
            case "response.create":
                server.CountResponseCreate();
                await CreateResponseAsync(root["response"]?["metadata"], (string?)root["response"]?["instructions"], eventId, ct).ConfigureAwait(false);
                break;
            case "response.cancel":
                bool cancelled;
                lock (_state)
                {
                    cancelled = _active?.Cancel("client_cancelled") ?? false;
                }

                if (!cancelled)
                {
                    await ErrorAsync("response_cancel_not_active", "Cancellation failed: no active response found.", null, eventId, ct).ConfigureAwait(false);
                }

                break;
            case "conversation.item.create":
                await CreateItemAsync(root, eventId, ct).ConfigureAwait(false);
                break;
            case "conversation.item.truncate":
                await TruncateAsync(root, eventId, ct).ConfigureAwait(false);
                break;
            case "input_audio_buffer.append":
                await ErrorAsync("invalid_value", "Invalid 'audio': not base64.", "audio", eventId, ct).ConfigureAwait(false);
                break;
            default:
                await ErrorAsync("invalid_value", $"Invalid value: '{(string?)root["type"]}'.", "type", eventId, ct).ConfigureAwait(false);
                break;
        }
    }

    private async Task UpdateSessionAsync(JsonObject root, string? eventId, CancellationToken ct)
    {
        server.SessionUpdates.Enqueue(root.ToJsonString());
        if (root["session"] is not JsonObject update)
        {
            await ErrorAsync("missing_required_parameter", "Missing required parameter: 'session'.", "session", eventId, ct).ConfigureAwait(false);
            return;
        }

        // Checked before anything is applied: a refused update leaves the session as it was.
        if (update["audio"]?["output"]?["voice"] is { } voice
            && (voice.GetValueKind() != JsonValueKind.String || !CallCenter.Core.Tenants.RealtimeVoices.All.Contains((string)voice!)))
        {
            await ErrorAsync("invalid_value", $"Invalid value: '{voice.ToJsonString()}'. Supported values are: {string.Join(", ", CallCenter.Core.Tenants.RealtimeVoices.All)}.",
                "session.audio.output.voice", eventId, ct).ConfigureAwait(false);
            return;
        }

        foreach (var side in new[] { "input", "output" })
        {
            if (update["audio"]?[side]?["format"] is { } format
                && (format["type"] is not { } t || t.GetValueKind() != JsonValueKind.String || !Formats.Contains((string)t!)
                    || ((string)t! == "audio/pcm" && format["rate"] is { } rate && rate.GetValueKind() == JsonValueKind.Number && (int)rate != 24000)))
            {
                await ErrorAsync("invalid_value", $"Invalid audio format: {format.ToJsonString()}.", $"session.audio.{side}.format", eventId, ct)
                    .ConfigureAwait(false);
                return;
            }
        }

        lock (_state)
        {
            var next = (JsonObject)_session.DeepClone();
            foreach (var (key, value) in update)
            {
                if (key == "audio" && value is JsonObject audio)
                {
                    foreach (var (sideName, sideValue) in audio)
                    {
                        if (sideValue is JsonObject sideSettings && next["audio"]![sideName] is JsonObject current)
                        {
                            foreach (var (k, v) in sideSettings)
                            {
                                current[k] = v?.DeepClone();
                            }
                        }
                    }
                }
                else
                {
                    next[key] = value?.DeepClone();
                }
            }

            _session = next;
        }

        await SendAsync(new { type = "session.updated", event_id = Id("event"), session = _session }, ct).ConfigureAwait(false);
    }

    private async Task CreateResponseAsync(JsonNode? metadata, string? instructions, string? eventId, CancellationToken ct)
    {
        string? active;
        Plan plan;
        lock (_state)
        {
            active = _active?.Id;
            plan = Quoted(instructions) is { } line ? new Plan(line, Math.Max(_script.ReplyMs, line.Length * 20), null, null)
                : instructions is not null && (string?)metadata?["purpose"] == "goodbye" ? new Plan("Thank you for calling. Goodbye.", _script.ReplyMs, null, null)
                : PlanForClient();
        }

        if (active is not null)
        {
            await ErrorAsync("conversation_already_has_active_response",
                $"Conversation already has an active response in progress: {active}. Wait until the response is finished before creating a new one.",
                null, eventId, ct).ConfigureAwait(false);
            return;
        }

        StartResponse(plan, metadata?.DeepClone(), ct);
    }

    private async Task CreateItemAsync(JsonObject root, string? eventId, CancellationToken ct)
    {
        if (root["item"] is not JsonObject node || (string?)node["type"] is not { } type)
        {
            await ErrorAsync("missing_required_parameter", "Missing required parameter: 'item'.", "item", eventId, ct).ConfigureAwait(false);
            return;
        }

        if (type == "message" && InvalidMessage(node) is { } refusal)
        {
            await ErrorAsync(refusal.Message.StartsWith("Missing", StringComparison.Ordinal) ? "missing_required_parameter" : "invalid_value", refusal.Message, refusal.Param, eventId, ct)
                .ConfigureAwait(false);
            return;
        }

        server.ClientItems.Enqueue(node.ToJsonString());
        var item = new Item { Id = (string?)node["id"] ?? Id("item"), Type = type, Role = (string?)node["role"] };
        switch (type)
        {
            case "message":
                server.MessageItems.Enqueue(node.ToJsonString());
                var content = node["content"]?[0];
                item.Transcript = (string?)content?["text"] ?? (string?)content?["transcript"];
                break;
            case "function_call":
                item.CallId = (string?)node["call_id"];
                item.Name = (string?)node["name"];
                item.Arguments = (string?)node["arguments"];
                break;
            case "function_call_output":
                item.CallId = (string?)node["call_id"];
                item.Output = (string?)node["output"];
                server.FunctionOutputs.Enqueue((item.CallId ?? "", item.Output ?? ""));
                break;
        }

        var echo = (JsonObject)node.DeepClone();
        echo["id"] = item.Id;
        echo["object"] = "realtime.item";
        echo["status"] = "completed";
        string? previous;
        lock (_state)
        {
            previous = _items.Count > 0 ? _items[^1].Id : null;
            _items.Add(item);
        }

        await SendAsync(new { type = "conversation.item.added", event_id = Id("event"), previous_item_id = previous, item = echo }, ct).ConfigureAwait(false);
        await SendAsync(new { type = "conversation.item.done", event_id = Id("event"), previous_item_id = previous, item = echo }, ct).ConfigureAwait(false);
    }

    private async Task TruncateAsync(JsonObject root, string? eventId, CancellationToken ct)
    {
        var itemId = (string?)root["item_id"] ?? "";
        var contentIndex = (int?)root["content_index"] ?? -1;
        var endMs = (long?)root["audio_end_ms"] ?? -1;
        server.Truncates.Enqueue(new TruncateEvent(itemId, contentIndex, endMs));
        string? error;
        lock (_state)
        {
            var item = _items.Find(i => i.Id == itemId);
            error = item is null || item.Type != "message" || item.Role != "assistant" ? $"Item {itemId} is not an assistant audio item of this conversation."
                : contentIndex != 0 ? "Only content_index 0 can be truncated."
                : endMs < 0 || endMs > item.AudioMs ? $"Audio content of {item.AudioMs}ms is already shorter than {endMs}ms."
                : null;
            if (error is null && item is not null)
            {
                // The model keeps only the words the caller heard.
                item.Transcript = Words(item.Transcript, item.AudioMs == 0 ? 0 : (double)endMs / item.AudioMs);
                item.AudioMs = endMs;
            }
        }

        if (error is not null)
        {
            await ErrorAsync("invalid_value", error, "audio_end_ms", eventId, ct).ConfigureAwait(false);
            return;
        }

        await SendAsync(new { type = "conversation.item.truncated", event_id = Id("event"), item_id = itemId, content_index = contentIndex, audio_end_ms = endMs }, ct)
            .ConfigureAwait(false);
    }

    /// <summary>Decodes an <c>input_audio_buffer.append</c> into the session's buffer: its length, or -1.</summary>
    private int TryAppend(ReadOnlySpan<byte> message)
    {
        var reader = new Utf8JsonReader(message);
        var isAppend = false;
        ReadOnlySpan<byte> base64 = default;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    isAppend = reader.ValueTextEquals("input_audio_buffer.append"u8);
                    if (!isAppend)
                    {
                        return -1;
                    }
                }
                else if (reader.ValueTextEquals("audio"u8))
                {
                    reader.Read();
                    base64 = reader.ValueSpan;
                }
            }
        }
        catch (JsonException)
        {
            return -1;
        }

        return isAppend && Base64.DecodeFromUtf8(base64, _audio, out _, out var written) == System.Buffers.OperationStatus.Done
            ? written
            : -1;
    }

    // ---------------------------------------------------------------- server VAD

    private async Task DetectSpeechAsync(ReadOnlyMemory<byte> audio, CancellationToken ct)
    {
        var frameMs = audio.Length / 8;
        _audioMs += frameMs;
        var loud = MuLaw.Energy(audio.Span) > _script.SpeechThreshold;
        if (loud && !_speaking)
        {
            _speaking = true;
            _silentMs = 0;
            _speechStartMs = _audioMs - frameMs;
            _speechItem = Id("item");
            await SendAsync(new { type = "input_audio_buffer.speech_started", event_id = Id("event"), audio_start_ms = _speechStartMs, item_id = _speechItem }, ct)
                .ConfigureAwait(false);

            // interrupt_response: the caller's speech cancels the response in progress.
            lock (_state)
            {
                if (TurnDetection("interrupt_response"))
                {
                    _active?.Cancel("turn_detected");
                }
            }

            return;
        }

        if (!_speaking)
        {
            return;
        }

        _silentMs = loud ? 0 : _silentMs + frameMs;
        if (_silentMs < _script.SilenceMsToStop)
        {
            return;
        }

        _speaking = false;
        _callerTurns++;
        var itemId = _speechItem!;
        var transcript = $"caller turn {_callerTurns}";
        // As OpenAI reports it: where the speech ended, before the silence that let VAD decide it had.
        await SendAsync(new { type = "input_audio_buffer.speech_stopped", event_id = Id("event"), audio_end_ms = _audioMs - _silentMs, item_id = itemId }, ct).ConfigureAwait(false);
        string? previous;
        bool transcribe;
        lock (_state)
        {
            previous = _items.Count > 0 ? _items[^1].Id : null;
            _items.Add(new Item { Id = itemId, Type = "message", Role = "user", Transcript = transcript });
            transcribe = _session["audio"]?["input"]?["transcription"] is JsonObject;
        }

        await SendAsync(new { type = "input_audio_buffer.committed", event_id = Id("event"), previous_item_id = previous, item_id = itemId }, ct).ConfigureAwait(false);
        var userItem = new
        {
            id = itemId,
            @object = "realtime.item",
            type = "message",
            status = "completed",
            role = "user",
            content = new[] { new { type = "input_audio" } },
        };
        await SendAsync(new { type = "conversation.item.added", event_id = Id("event"), previous_item_id = previous, item = userItem }, ct).ConfigureAwait(false);
        await SendAsync(new { type = "conversation.item.done", event_id = Id("event"), previous_item_id = previous, item = userItem }, ct).ConfigureAwait(false);
        if (transcribe)
        {
            await SendAsync(new { type = "conversation.item.input_audio_transcription.delta", event_id = Id("event"), item_id = itemId, content_index = 0, delta = transcript }, ct)
                .ConfigureAwait(false);
            await SendAsync(new
            {
                type = "conversation.item.input_audio_transcription.completed",
                event_id = Id("event"),
                item_id = itemId,
                content_index = 0,
                transcript,
                usage = new { type = "duration", seconds = Math.Max(1, (_audioMs - _speechStartMs) / 1000.0) },
            }, ct).ConfigureAwait(false);
        }

        // create_response: the server answers the turn itself, once the interrupted response has ended.
        await Quietly(_responseTask).ConfigureAwait(false);
        Plan plan;
        lock (_state)
        {
            // create_response off: the turn is committed, and the client decides whether to answer it.
            if (_active is not null || !TurnDetection("create_response"))
            {
                return;
            }

            if (_script.EndCallAfterCallerTurns > 0 && _callerTurns >= _script.EndCallAfterCallerTurns && !_endCallSent)
            {
                _endCallSent = true;
                plan = new Plan(null, 0, "end_call", """{"reason":"caller is done"}""");
            }
            else if (_callerTurns == 1 && BackFromTransfer)
            {
                // Told by the bridge that nobody took the transfer: the caller's answer books the callback offered.
                var at = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'10:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture);
                plan = new Plan(null, 0, "schedule_callback", $$"""{"at":"{{at}}","reason":"nobody could take the transfer"}""");
            }
            else if (_callerTurns == 1 && _script.ToolAfterFirstTurn is { } tool)
            {
                plan = new Plan(null, 0, tool.Name, tool.Arguments);
            }
            else
            {
                plan = new Plan($"agent reply {_callerTurns}", _script.ReplyMs, null, null);
            }
        }

        StartResponse(plan, null, ct);
    }

    // ---------------------------------------------------------------- responses

    /// <summary>What the model says when the client asks: a greeting first, a goodbye after end_call's output.</summary>
    private Plan PlanForClient()
    {
        var last = _items.Count > 0 ? _items[^1] : null;
        if (last?.Type == "function_call_output")
        {
            var call = _items.Find(i => i.Type == "function_call" && i.CallId == last.CallId);
            return call?.Name switch
            {
                "end_call" => new Plan("Goodbye.", _script.GoodbyeMs, null, null),
                // The line an accepted transfer asks for; a refused one is answered like any tool.
                "transfer_to_human" when last.Output?.Contains("\"ok\":true", StringComparison.Ordinal) == true =>
                    new Plan("One moment, I am connecting you to a colleague.", _script.GoodbyeMs, null, null),
                _ => new Plan("Done.", _script.ReplyMs, null, null),
            };
        }

        // A key press handed over as text: the model answers it.
        if (last is { Type: "message", Role: "user", Transcript: { } text } && text.IndexOf("pressed ", StringComparison.Ordinal) is var at and >= 0
            && at + 8 < text.Length)
        {
            return new Plan($"You pressed {text[at + 8]}.", _script.ReplyMs, null, null);
        }

        return _items.Exists(i => i.Role == "assistant")
            ? new Plan("How can I help?", _script.ReplyMs, null, null)
            : BackFromTransfer ? new Plan("I'm sorry, nobody could take your call just now. Shall we call you back tomorrow morning?", _script.GreetingMs, null, null)
            : new Plan(_script.GreetingText, _script.GreetingMs, null, null);
    }

    /// <summary>The client said, in a system message, that a transfer to a person went unanswered.</summary>
    private bool BackFromTransfer => _items.Exists(i => i.Role == "system" && i.Transcript?.Contains("transfer", StringComparison.Ordinal) == true);

    private void StartResponse(Plan plan, JsonNode? metadata, CancellationToken ct)
    {
        var response = new Response(Id("resp"), CancellationTokenSource.CreateLinkedTokenSource(ct), metadata);
        lock (_state)
        {
            _active = response;
        }

        _responseTask = Task.Run(() => RunResponseAsync(response, plan, ct), CancellationToken.None);
    }

    private async Task RunResponseAsync(Response r, Plan plan, CancellationToken ct)
    {
        try
        {
            await SendAsync(new { type = "response.created", event_id = Id("event"), response = ResponseObject(r, "in_progress", null, []) }, ct).ConfigureAwait(false);
            var item = plan.CallName is { } name
                ? await RunFunctionCallAsync(r, name, plan.CallArguments ?? "{}", ct).ConfigureAwait(false)
                : await RunAudioAsync(r, plan.Text ?? "", plan.AudioMs, ct).ConfigureAwait(false);
            var status = r.Reason is null ? "completed" : "cancelled";
            server.Responses.Enqueue((r.Id, status, item.Type == "message" ? item.GeneratedTranscript : null));
            object done;
            lock (_state)
            {
                done = new { type = "response.done", event_id = Id("event"), response = ResponseObject(r, status, r.Reason, [ItemObject(item)], item) };

                // The response stops being active as response.done leaves: a response.create after it is taken.
                _active = null;
            }

            await SendAsync(done, ct).ConfigureAwait(false);
        }
        finally
        {
            lock (_state)
            {
                if (_active == r)
                {
                    _active = null;
                }
            }

            r.Dispose();
        }
    }

    private async Task<Item> RunAudioAsync(Response r, string text, int ms, CancellationToken ct)
    {
        var item = AddItem(new Item { Id = Id("item"), Type = "message", Role = "assistant", Status = "in_progress", Transcript = "" });
        await SendItemAsync(r, item, "added", ct).ConfigureAwait(false);
        await SendContentPartAsync(r, item, "added", "", ct).ConfigureAwait(false);

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var chunks = Math.Max(1, (ms + _script.ChunkMs - 1) / _script.ChunkMs);
        var chunk = Convert.ToBase64String(OutputChunk());
        var spoken = 0;
        var next = Stopwatch.GetTimestamp();
        for (var i = 0; i < chunks && r.Reason is null; i++)
        {
            // The transcript runs with the audio it describes: what was generated when the caller cut in.
            var upTo = (int)Math.Ceiling((i + 1) * (double)words.Length / chunks);
            if (upTo > spoken)
            {
                var delta = (spoken == 0 ? "" : " ") + string.Join(' ', words[spoken..upTo]);
                spoken = upTo;
                lock (_state)
                {
                    item.Transcript += delta;
                    item.GeneratedTranscript = item.Transcript;
                }

                await SendAsync(new { type = "response.output_audio_transcript.delta", event_id = Id("event"), response_id = r.Id, item_id = item.Id, output_index = 0, content_index = 0, delta }, ct)
                    .ConfigureAwait(false);
            }

            if (_script.PaceAudio)
            {
                next += Stopwatch.Frequency * _script.ChunkMs / 1000;
                if (!await WaitAsync(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next), r).ConfigureAwait(false))
                {
                    break;
                }
            }

            await SendAsync(new { type = "response.output_audio.delta", event_id = Id("event"), response_id = r.Id, item_id = item.Id, output_index = 0, content_index = 0, delta = chunk }, ct)
                .ConfigureAwait(false);
            lock (_state)
            {
                item.AudioMs += _script.ChunkMs;
            }
        }

        string transcript;
        lock (_state)
        {
            item.Status = r.Reason is null ? "completed" : "incomplete";
            transcript = item.GeneratedTranscript ?? "";
        }

        await SendAsync(new { type = "response.output_audio.done", event_id = Id("event"), response_id = r.Id, item_id = item.Id, output_index = 0, content_index = 0 }, ct).ConfigureAwait(false);
        await SendAsync(new { type = "response.output_audio_transcript.done", event_id = Id("event"), response_id = r.Id, item_id = item.Id, output_index = 0, content_index = 0, transcript }, ct)
            .ConfigureAwait(false);
        await SendContentPartAsync(r, item, "done", transcript, ct).ConfigureAwait(false);
        await SendItemAsync(r, item, "done", ct).ConfigureAwait(false);
        return item;
    }

    private async Task<Item> RunFunctionCallAsync(Response r, string name, string arguments, CancellationToken ct)
    {
        var item = AddItem(new Item { Id = Id("item"), Type = "function_call", Status = "in_progress", CallId = Id("call"), Name = name, Arguments = "" });
        await SendItemAsync(r, item, "added", ct).ConfigureAwait(false);
        var pieces = Math.Max(1, _script.FunctionCallMs / _script.ChunkMs);
        var size = (arguments.Length + pieces - 1) / pieces;
        var generated = "";
        for (var at = 0; at < arguments.Length && r.Reason is null; at += size)
        {
            if (_script.FunctionCallMs > 0 && !await WaitAsync(TimeSpan.FromMilliseconds(_script.ChunkMs), r).ConfigureAwait(false))
            {
                break;
            }

            var delta = arguments.Substring(at, Math.Min(size, arguments.Length - at));
            generated += delta;
            await SendAsync(new { type = "response.function_call_arguments.delta", event_id = Id("event"), response_id = r.Id, item_id = item.Id, output_index = 0, call_id = item.CallId, delta }, ct)
                .ConfigureAwait(false);
        }

        // Sent for a cancelled call too, with the arguments generated so far.
        lock (_state)
        {
            item.Arguments = generated;
            item.Status = r.Reason is null ? "completed" : "incomplete";
        }

        await SendAsync(new
        {
            type = "response.function_call_arguments.done",
            event_id = Id("event"),
            response_id = r.Id,
            item_id = item.Id,
            output_index = 0,
            call_id = item.CallId,
            name,
            arguments = generated,
        }, ct).ConfigureAwait(false);
        await SendItemAsync(r, item, "done", ct).ConfigureAwait(false);
        if (r.Reason is null && _script.FunctionResponseDoneDelayMs > 0)
        {
            await WaitAsync(TimeSpan.FromMilliseconds(_script.FunctionResponseDoneDelayMs), r).ConfigureAwait(false);
        }

        return item;
    }

    private Item AddItem(Item item)
    {
        lock (_state)
        {
            item.PreviousId = _items.Count > 0 ? _items[^1].Id : null;
            _items.Add(item);
        }

        return item;
    }

    /// <summary>An output item's <c>response.output_item.{stage}</c>, then <c>conversation.item.{stage}</c> (stage: added or done).</summary>
    private async Task SendItemAsync(Response r, Item item, string stage, CancellationToken ct)
    {
        object json;
        lock (_state)
        {
            json = ItemObject(item);
        }

        await SendAsync(new { type = $"response.output_item.{stage}", event_id = Id("event"), response_id = r.Id, output_index = 0, item = json }, ct).ConfigureAwait(false);
        await SendAsync(new { type = $"conversation.item.{stage}", event_id = Id("event"), previous_item_id = item.PreviousId, item = json }, ct).ConfigureAwait(false);
    }

    private Task SendContentPartAsync(Response r, Item item, string stage, string transcript, CancellationToken ct) => SendAsync(new
    {
        type = $"response.content_part.{stage}",
        event_id = Id("event"),
        response_id = r.Id,
        item_id = item.Id,
        output_index = 0,
        content_index = 0,
        part = new { type = "audio", transcript },
    }, ct);

    /// <summary>Waits, or stops early when the response is cancelled: false then.</summary>
    private static async Task<bool> WaitAsync(TimeSpan delay, Response r)
    {
        if (delay <= TimeSpan.Zero)
        {
            return r.Reason is null;
        }

        try
        {
            await Task.Delay(delay, r.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private byte[] OutputChunk()
    {
        string format;
        lock (_state)
        {
            format = (string?)_session["audio"]?["output"]?["format"]?["type"] ?? "audio/pcm";
        }

        // The default 24 kHz 16-bit PCM reaches a μ-law phone line as noise, as it would from OpenAI.
        return format switch
        {
            "audio/pcmu" => CallerAudio.Tone(_script.ChunkMs, 300, 3000),
            "audio/pcma" => Enumerable.Repeat((byte)0xD5, _script.ChunkMs * 8).ToArray(),
            _ => CallerAudio.Speech(_script.ChunkMs * 6),
        };
    }

    /// <summary>A server VAD flag of the session (<c>create_response</c>, <c>interrupt_response</c>); true when unset, as the server defaults.</summary>
    private bool TurnDetection(string flag) =>
        _session["audio"]?["input"]?["turn_detection"]?[flag] is not { } value || value.GetValueKind() != JsonValueKind.False;

    /// <summary>A model follows a response's instructions to say a line in quotes: the fake says that line.</summary>
    private static string? Quoted(string? instructions)
    {
        var start = instructions?.IndexOf('"', StringComparison.Ordinal) ?? -1;
        var end = instructions?.LastIndexOf('"') ?? -1;
        return start >= 0 && end > start + 1 ? instructions![(start + 1)..end] : null;
    }

    /// <summary>
    /// Why the server refuses a message item, as it does: a role it does not know, content that is not a
    /// non-empty list, or a part whose type does not belong to the role (a user types <c>input_text</c>, an
    /// assistant's text is <c>output_text</c>).
    /// </summary>
    private static (string Message, string Param)? InvalidMessage(JsonObject item)
    {
        var role = (string?)item["role"];
        string[]? allowed = role switch
        {
            "user" => ["input_text", "input_audio", "input_image"],
            "system" => ["input_text"],
            "assistant" => ["output_text", "output_audio"],
            _ => null,
        };
        if (allowed is null)
        {
            return ($"Invalid value: '{role}'. Supported values are: 'user', 'assistant', and 'system'.", "item.role");
        }

        if (item["content"] is not JsonArray { Count: > 0 } content)
        {
            return ("Missing required parameter: 'item.content'.", "item.content");
        }

        for (var i = 0; i < content.Count; i++)
        {
            var type = (string?)content[i]?["type"];
            if (type is null || !allowed.Contains(type))
            {
                return ($"Invalid value: '{type}'. Supported values are: {string.Join(", ", allowed.Select(a => $"'{a}'"))}.", $"item.content[{i}].type");
            }

            if (type is "input_text" or "output_text" && (content[i]?["text"] is not { } text || text.GetValueKind() != JsonValueKind.String))
            {
                return ($"Missing required parameter: 'item.content[{i}].text'.", $"item.content[{i}].text");
            }
        }

        return null;
    }

    private bool InputIsPcmu()
    {
        lock (_state)
        {
            return (string?)_session["audio"]?["input"]?["format"]?["type"] == "audio/pcmu";
        }
    }

    private object ResponseObject(Response r, string status, string? reason, object[] output, Item? produced = null)
    {
        var audio = _session["audio"]?["output"];
        return new
        {
            id = r.Id,
            @object = "realtime.response",
            status,
            status_details = status == "in_progress" ? null : (object)new { type = status, reason },
            output,
            conversation_id = "conv_fake",
            output_modalities = new[] { "audio" },
            max_output_tokens = "inf",
            audio = new { output = new { format = audio?["format"]?.DeepClone(), voice = (string?)audio?["voice"] } },
            usage = status == "in_progress" ? null : Usage(produced),
            metadata = r.Metadata,
        };
    }

    /// <summary>
    /// A <c>response.done</c> usage shaped as OpenAI's: the whole conversation is the input of each response (text
    /// ~4 characters a token, caller audio 10 tokens a second), what the previous response already read is cached,
    /// the output is the item's transcript and audio (20 tokens a second). Called under the state lock.
    /// </summary>
    private object Usage(Item? produced)
    {
        var inputText = 20 + (((string?)_session["instructions"])?.Length ?? 0) / 4
            + _items.Sum(i => ((i.Transcript?.Length ?? 0) + (i.Arguments?.Length ?? 0)) / 4);
        var inputAudio = _audioMs / 100;
        var cachedText = Math.Min(_lastInputText, inputText);
        var cachedAudio = Math.Min(_lastInputAudio, inputAudio);
        _lastInputText = inputText;
        _lastInputAudio = inputAudio;
        var outputText = produced is null ? 0 : Math.Max(1, ((produced.GeneratedTranscript?.Length ?? 0) + (produced.Arguments?.Length ?? 0)) / 4);
        var outputAudio = (produced?.AudioMs ?? 0) / 50;
        server.AddUsage(inputText, inputAudio, cachedText, cachedAudio, outputText, outputAudio);
        return new
        {
            total_tokens = inputText + inputAudio + outputText + outputAudio,
            input_tokens = inputText + inputAudio,
            output_tokens = outputText + outputAudio,
            input_token_details = new
            {
                cached_tokens = cachedText + cachedAudio,
                text_tokens = inputText,
                audio_tokens = inputAudio,
                image_tokens = 0,
                cached_tokens_details = new { text_tokens = cachedText, audio_tokens = cachedAudio, image_tokens = 0 },
            },
            output_token_details = new { text_tokens = outputText, audio_tokens = outputAudio },
        };
    }

    private static object ItemObject(Item item) => item.Type == "function_call"
        ? new { id = item.Id, @object = "realtime.item", type = item.Type, status = item.Status, call_id = item.CallId, name = item.Name, arguments = item.Arguments }
        : new
        {
            id = item.Id,
            @object = "realtime.item",
            type = item.Type,
            status = item.Status,
            role = item.Role,
            content = new[] { new { type = "output_audio", transcript = item.Transcript } },
        };

    private JsonObject DefaultSession() => new()
    {
        ["type"] = "realtime",
        ["object"] = "realtime.session",
        ["id"] = Id("sess"),
        ["model"] = "gpt-realtime",
        ["output_modalities"] = new JsonArray("audio"),
        ["instructions"] = "",
        ["audio"] = new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = 24000 },
                ["turn_detection"] = new JsonObject
                {
                    ["type"] = "server_vad",
                    ["threshold"] = 0.5,
                    ["prefix_padding_ms"] = 300,
                    ["silence_duration_ms"] = 200,
                    ["create_response"] = true,
                    ["interrupt_response"] = true,
                },
            },
            ["output"] = new JsonObject
            {
                ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = 24000 },
                ["voice"] = "alloy",
                ["speed"] = 1.0,
            },
        },
        ["tools"] = new JsonArray(),
        ["tool_choice"] = "auto",
        ["max_output_tokens"] = "inf",
    };

    private Task ErrorAsync(string code, string message, string? param, string? clientEventId, CancellationToken ct)
    {
        server.Errors.Enqueue(code);
        return SendAsync(new
        {
            type = "error",
            event_id = Id("event"),
            error = new { type = "invalid_request_error", code, message, param, event_id = clientEventId },
        }, ct);
    }

    private static string Words(string? text, double fraction)
    {
        var words = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words[..(int)Math.Floor(words.Length * Math.Clamp(fraction, 0, 1))]);
    }

    private Task SendAsync(object payload, CancellationToken ct) => SendRawAsync(JsonSerializer.SerializeToUtf8Bytes(payload, Json), ct);

    private async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _send.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            server.Observer?.Invoke(RealtimeDirection.ServerToClient, bytes);
            await socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    private string Id(string prefix) => $"{prefix}_{Interlocked.Increment(ref _ids)}";

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private sealed record Plan(string? Text, int AudioMs, string? CallName, string? CallArguments);

    /// <summary>A conversation item as the server keeps it.</summary>
    private sealed class Item
    {
        public required string Id { get; init; }
        public required string Type { get; init; }
        public string? Role { get; init; }
        public string? Status { get; set; } = "completed";
        public string? PreviousId { get; set; }
        public string? CallId { get; set; }
        public string? Name { get; set; }
        public string? Arguments { get; set; }
        public string? Output { get; set; }
        public string? Transcript { get; set; }
        public string? GeneratedTranscript { get; set; }
        public long AudioMs { get; set; }
    }

    /// <summary>The session's one active response.</summary>
    private sealed class Response(string id, CancellationTokenSource cts, JsonNode? metadata) : IDisposable
    {
        public string Id { get; } = id;
        public JsonNode? Metadata { get; } = metadata;
        public CancellationToken Token { get; } = cts.Token;
        public string? Reason { get; private set; }

        public bool Cancel(string reason)
        {
            if (Reason is not null)
            {
                return true;
            }

            Reason = reason;
            cts.Cancel();
            return true;
        }

        public void Dispose() => cts.Dispose();
    }
}
