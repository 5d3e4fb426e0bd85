using System.Diagnostics;
using CallCenter.Core.Telemetry;
using CallCenter.Core.Workflow;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;
using OpenTelemetry.Trace;

namespace CallCenter.Calls.Tests;

/// <summary>One simulated call on the local host, its spans read through the host's own tracer provider.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class CallTraceTests(CallCenterFixture fixture)
{
    private static readonly string[] Steps =
        [nameof(DownloadRecording), nameof(ResolveTranscript), nameof(SummarizeCall), nameof(FinishCall), nameof(RecordCallMetrics), nameof(DeliverCallWebhooks), nameof(PublishCallFinished)];

    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task One_call_is_one_trace_from_its_webhooks_through_every_workflow_step_with_the_callsid_and_tenant()
    {
        var tenant = await _host.NewTenantAsync();
        var (callSid, recordingSid) = (TwilioCall.NewCallSid(), TwilioCall.NewRecordingSid());
        var root = CallTelemetry.CallRoot(callSid);
        var spans = TraceRecorder.Attach(_host.Get<TracerProvider>(), root.TraceId);

        await _host.AnsweredCallAsync(tenant, callSid, recordingSid);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            var done = await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        }

        var orchestration = Assert.Single(await spans.WaitForAsync($"orchestration:{CallWorkflowNames.Orchestration}"));

        // The webhooks hang off the call's root, which no process writes: each request is its own.
        var voice = Single(spans, CallTelemetry.VoiceWebhook);
        foreach (var webhook in new[] { voice, Single(spans, CallTelemetry.StatusWebhook), Single(spans, CallTelemetry.RecordingWebhook) })
        {
            Assert.Equal(root.SpanId, webhook.ParentSpanId);
            Assert.Equal(ActivityKind.Server, webhook.Kind);
            Assert.Equal((callSid, tenant.Id), TraceRecorder.CallOf(webhook));
        }

        // The last of the end and the recording starts the workflow (here the recording; the voice webhook never
        // does), and the engine carries its span to the orchestration.
        var recording = Single(spans, CallTelemetry.RecordingWebhook);
        var scheduled = Single(spans, $"create_orchestration:{CallWorkflowNames.Orchestration}");
        Assert.Equal(recording.SpanId, scheduled.ParentSpanId);
        Assert.Equal(scheduled.SpanId, orchestration.ParentSpanId);
        Assert.Equal((callSid, tenant.Id), TraceRecorder.CallOf(orchestration));

        // The steps run in one activity: the orchestration schedules it (client), a worker runs it (server), our
        // span names the call, and each step is a span of its own under it.
        var scheduledSteps = Single(spans, $"activity:{nameof(CompleteCall)}", ActivityKind.Client);
        Assert.Equal(orchestration.SpanId, scheduledSteps.ParentSpanId);
        var run = Single(spans, $"activity:{nameof(CompleteCall)}", ActivityKind.Server);
        Assert.Equal(scheduledSteps.SpanId, run.ParentSpanId);
        var completion = Single(spans, CallTelemetry.StepName(nameof(CompleteCall)));
        Assert.Equal(run.SpanId, completion.ParentSpanId);
        foreach (var step in Steps)
        {
            var ours = Single(spans, CallTelemetry.StepName(step));
            Assert.Equal(completion.SpanId, ours.ParentSpanId);
            Assert.Equal((callSid, tenant.Id), TraceRecorder.CallOf(ours));
        }

        // Both facts are in the start's input: neither the recording nor the end is an event.
        Assert.Empty(spans.Named($"orchestration_event:{CallWorkflowNames.RecordingEvent}"));
        Assert.Empty(spans.Named($"orchestration_event:{CallWorkflowNames.CallEndedEvent}"));

        // A call whose transcript came from the realtime session records no failure.
        Assert.Empty(spans.Named(CallTelemetry.StepName(nameof(RecordTranscriptFailure))));
    }

    private static Activity Single(TraceRecorder spans, string name) => Assert.Single(spans.Named(name));

    private static Activity Single(TraceRecorder spans, string name, ActivityKind kind) => Assert.Single(spans.Named(name), s => s.Kind == kind);
}
