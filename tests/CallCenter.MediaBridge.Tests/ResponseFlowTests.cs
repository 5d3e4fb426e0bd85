using System.Text;
using CallCenter.Core.Prompts;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The model's side of a call without sockets: events in, the client events the bridge sends out.</summary>
public sealed class ResponseFlowTests : IDisposable
{
    private readonly RecordingRealtimeLink _link = new();
    private readonly RealtimeConnection _realtime;
    private readonly BridgeMetrics _metrics = new();
    private readonly CallTasks _tasks;
    private readonly HangupPolicy _hangup;
    private readonly ResponseFlow _flow;
    private readonly List<FunctionCall> _ran = [];

    public ResponseFlowTests()
    {
        _realtime = new RealtimeConnection(_link);
        _tasks = new CallTasks("CA1", _metrics, NullLogger.Instance);
        _hangup = new HangupPolicy(TimeSpan.FromSeconds(15), new FakeTimeProvider(), new PlaybackTracker(), () => { });
        var queue = new TranscriptQueue(Options.Create(new MediaBridgeOptions()), _metrics);
        _flow = new ResponseFlow(_realtime, _hangup, (call, _) =>
        {
            lock (_ran)
            {
                _ran.Add(call);
            }

            return Task.FromResult(call.Name == AgentTools.EndCall ? ToolRunner.EndCallOutput : """{"ok":true}""");
        }, new CallTranscript("acme", "CA1", queue, TimeProvider.System), _tasks, new CallCounters(), "CA1", NullLogger.Instance);
    }

    public void Dispose()
    {
        _hangup.Dispose();
        _realtime.Dispose();
    }

    private static RealtimeControlEvent Event(string json) => RealtimeEventParser.ParseControl(Encoding.UTF8.GetBytes(json));

    private static RealtimeControlEvent Created(string id) => Event($$$"""{"type":"response.created","response":{"id":"{{{id}}}"}}""");

    private static RealtimeControlEvent Done(string id, string status = "completed", string? reason = null) => Event(
        $$$$"""{"type":"response.done","response":{"id":"{{{{id}}}}","status":"{{{{status}}}}","status_details":{"reason":"{{{{reason}}}}"}}}""");

    private static RealtimeControlEvent Call(string id, string name) => Event(
        $$"""{"type":"response.function_call_arguments.done","response_id":"{{id}}","call_id":"call_{{name}}","name":"{{name}}","arguments":"{}"}""");

    /// <summary>Response resp_1 makes one call of <paramref name="tool"/> and is done with <paramref name="status"/>; its tool tasks are awaited.</summary>
    private async Task CallThenDoneAsync(string tool, string status = "completed", string? reason = null)
    {
        _flow.Created(Created("resp_1"));
        _flow.Called(Call("resp_1", tool));
        await _flow.DoneAsync(Done("resp_1", status, reason), default);
        await _tasks.WhenAllAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_response_wanted_while_one_is_active_is_sent_when_that_one_is_done()
    {
        await _flow.AskAsync(goodbye: false, default);
        _flow.Created(Created("resp_1"));
        await _flow.AskAsync(goodbye: false, default);
        Assert.Equal(["response.create"], _link.Kinds());

        await _flow.DoneAsync(Done("resp_1"), default);

        Assert.Equal(["response.create", "response.create"], _link.Kinds());
    }

    [Fact]
    public async Task The_calls_of_a_completed_response_run_and_the_model_is_asked_to_go_on()
    {
        await CallThenDoneAsync(AgentTools.LookupLead);

        Assert.Equal([AgentTools.LookupLead], _ran.Select(c => c.Name));
        Assert.Equal(["conversation.item.create function_call_output", "response.create"], _link.Kinds());
        Assert.False(_hangup.GoodbyePending);
    }

    [Fact]
    public async Task An_end_call_of_a_completed_response_asks_for_the_tagged_goodbye_and_arms_the_hangup()
    {
        await CallThenDoneAsync(AgentTools.EndCall);

        Assert.Equal(["conversation.item.create function_call_output", "response.create goodbye"], _link.Kinds());
        Assert.Contains("say a short goodbye", _link.Sent.First(), StringComparison.Ordinal);
        Assert.True(_hangup.GoodbyePending);
    }

    [Fact]
    public async Task The_calls_of_a_cut_off_response_are_answered_as_not_run_and_the_model_is_asked_again()
    {
        await CallThenDoneAsync(AgentTools.EndCall, "cancelled", "client_cancelled");

        Assert.Empty(_ran);
        Assert.Equal(["conversation.item.create function_call_output", "response.create"], _link.Kinds());
        Assert.Contains("not done", _link.Sent.First(), StringComparison.Ordinal);
        Assert.False(_hangup.GoodbyePending);
    }

    [Fact]
    public async Task After_the_callers_turn_cut_a_response_off_the_server_answers_by_itself()
    {
        await CallThenDoneAsync(AgentTools.LookupLead, "cancelled", "turn_detected");

        Assert.Equal(["conversation.item.create function_call_output"], _link.Kinds());
    }

    [Fact]
    public async Task A_create_the_server_refused_is_sent_again_once_the_active_response_is_done()
    {
        await _flow.AskAsync(goodbye: false, default);
        _flow.Created(Created("resp_other"));
        _flow.Error(Event("""{"type":"error","error":{"code":"conversation_already_has_active_response","message":"busy"}}"""));

        await _flow.DoneAsync(Done("resp_other"), default);

        Assert.Equal(["response.create", "response.create"], _link.Kinds());
    }

    [Fact]
    public async Task The_goodbye_the_bridge_asks_for_itself_is_the_closing_line()
    {
        Assert.True(_hangup.TryStartClosingLine());

        await _flow.AskAsync(goodbye: true, default);

        Assert.Equal(["response.create closing"], _link.Kinds());
    }

    [Fact]
    public async Task After_a_reconnect_an_answer_that_was_in_progress_is_asked_for_again_once()
    {
        _flow.Created(Created("resp_1"));

        Assert.True(_flow.Restart(out var goodbye));
        Assert.False(goodbye);
        await _flow.AskAsync(goodbye, default);
        Assert.False(_flow.Restart(out _));
        Assert.Equal(["response.create"], _link.Kinds());
    }
}
