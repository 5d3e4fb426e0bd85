using System.Diagnostics;
using System.Diagnostics.Metrics;
using CallCenter.Core.Telemetry;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.Simulators;
using CallCenter.Testing;
using OpenTelemetry.Trace;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The bridge's session span and its counts as OpenTelemetry instruments, on one call with a barge-in.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BridgeTelemetryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_calls_session_is_one_span_in_the_calls_trace_and_its_frames_and_barge_ins_reach_the_meter()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 4000, ReplyMs = 200 });
        var (callSid, _) = await h.SeedCallAsync();
        var root = CallTelemetry.CallRoot(callSid);
        var spans = TraceRecorder.Attach(h.Service<TracerProvider>(), root.TraceId);

        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid),
        [
            new CallerStep.WaitUntilHeard(400),
            new CallerStep.Send(CallerAudio.Speech(400)),
            new CallerStep.Send(CallerAudio.Silence(400)),
        ]) with { RealTimePlayback = true });
        await BridgeHarness.Eventually(() => Task.FromResult(call.Clears), c => c > 0);
        await call.HangUpAsync();
        await call.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        var snapshot = await h.WaitUntilIdleAsync();

        // The same trace id as the call's webhooks and workflow, derived from the CallSid alone.
        var session = Assert.Single(await spans.WaitForAsync(CallTelemetry.BridgeSession));
        Assert.Single(spans.All);
        Assert.Equal(root.SpanId, session.ParentSpanId);
        Assert.Equal(ActivityKind.Server, session.Kind);
        Assert.Equal((callSid, h.TenantId), TraceRecorder.CallOf(session));
        Assert.Equal(1, session.GetTagItem("callcenter.bridge.barge_ins"));
        Assert.True(session.GetTagItem("callcenter.bridge.frames.in") is long framesIn && framesIn > 0);

        // The meter reads the counters the call added once at its end.
        var observed = Observe(h.Service<BridgeMetrics>().Meter!);
        Assert.Equal(1, observed["callcenter.bridge.calls"]);
        Assert.Equal(1, observed["callcenter.bridge.barge_ins"]);
        Assert.Equal(0, observed["callcenter.bridge.sessions.active"]);
        Assert.Equal(snapshot.FramesIn, observed["callcenter.bridge.frames.in"]);
        Assert.Equal(snapshot.FramesOut, observed["callcenter.bridge.frames.out"]);
        Assert.True(snapshot.FramesIn > 0 && snapshot.FramesOut > 0);
    }

    /// <summary>The latest value of each of the meter's observable instruments.</summary>
    private static Dictionary<string, long> Observe(Meter meter)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }
}
