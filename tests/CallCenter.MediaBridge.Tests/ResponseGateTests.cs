using CallCenter.MediaBridge.Sessions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>OpenAI's one-response-at-a-time rule, kept without sockets: asks in, decisions out.</summary>
public sealed class ResponseGateTests
{
    private static readonly FunctionCall Lookup = new("call_1", "lookup_lead", "{}");

    [Fact]
    public void With_no_response_active_a_response_is_asked_for_at_once()
    {
        var gate = new ResponseGate();

        Assert.True(gate.TryAsk(goodbye: false));
        Assert.False(gate.TakeOwed(out _));
    }

    [Fact]
    public void A_response_wanted_while_one_is_active_is_owed_until_that_one_is_done()
    {
        var gate = new ResponseGate();
        gate.Created("resp_1");

        Assert.False(gate.TryAsk(goodbye: false));
        Assert.False(gate.TakeOwed(out _));

        gate.Done("resp_1");
        Assert.True(gate.TakeOwed(out var goodbye));
        Assert.False(goodbye);
        Assert.False(gate.TakeOwed(out _));
    }

    [Fact]
    public void An_owed_goodbye_stays_the_goodbye_when_a_plain_response_is_owed_too()
    {
        var gate = new ResponseGate();
        gate.Created("resp_1");
        gate.TryAsk(goodbye: true);
        gate.TryAsk(goodbye: false);

        gate.Done("resp_1");

        Assert.True(gate.TakeOwed(out var goodbye));
        Assert.True(goodbye);
    }

    [Fact]
    public void A_goodbye_the_server_refused_is_owed_again_as_the_goodbye()
    {
        var gate = new ResponseGate();
        Assert.True(gate.TryAsk(goodbye: true));
        gate.Created("resp_other"); // another response won the race
        gate.Refused();

        Assert.False(gate.TakeOwed(out _));
        gate.Done("resp_other");
        Assert.True(gate.TakeOwed(out var goodbye));
        Assert.True(goodbye);
    }

    [Fact]
    public void The_done_of_another_response_leaves_the_active_one_active()
    {
        var gate = new ResponseGate();
        gate.Created("resp_2");

        gate.Done("resp_1");

        Assert.False(gate.TryAsk(goodbye: false));
    }

    [Fact]
    public void Function_calls_are_handed_over_with_their_own_response_only_and_once()
    {
        var gate = new ResponseGate();
        gate.Created("resp_1");
        gate.AddCall("resp_1", Lookup);
        gate.AddCall("resp_2", new FunctionCall("call_2", "end_call", "{}"));

        Assert.Equal([Lookup], gate.Done("resp_1"));
        Assert.Null(gate.Done("resp_1"));
        Assert.Null(gate.Done("resp_3"));
    }

    [Fact]
    public void After_a_restart_a_response_that_was_active_is_asked_for_again()
    {
        var gate = new ResponseGate();
        gate.Created("resp_1");
        gate.AddCall("resp_1", Lookup);

        Assert.True(gate.Restart(out var goodbye));
        Assert.False(goodbye);
        Assert.Null(gate.Done("resp_1"));
        Assert.True(gate.TryAsk(goodbye: false));
    }

    [Fact]
    public void After_a_restart_with_nothing_active_or_owed_nothing_is_asked_for()
    {
        var gate = new ResponseGate();
        gate.Created("resp_1");
        gate.Done("resp_1");

        Assert.False(gate.Restart(out _));
    }
}
